package dev.softswitch.gateway.transport;

import dev.softswitch.gateway.log.RateLimitedLog;
import gov.nist.core.CommonLogger;
import gov.nist.core.StackLogger;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes JAIN-SIP's internal logging to SLF4J. Without it the parser reaches for log4j, which is
 * not on the class path, and throws {@link NoClassDefFoundError} on some inputs (e.g. only CRLFs).
 */
final class Slf4jStackLogger implements StackLogger {

    private static final Logger LOG = LoggerFactory.getLogger("gov.nist.javax.sip");
    /** The stack's warnings and errors follow its input: one line a minute per kind. */
    private static final RateLimitedLog ERRORS = RateLimitedLog.of(LOG);

    private Slf4jStackLogger() {
    }

    /** Installs the bridge unless someone already installed a logger. Idempotent. */
    static synchronized void install() {
        if (CommonLogger.legacyLogger == null) {
            CommonLogger.useLegacyLogger = true;
            CommonLogger.legacyLogger = new Slf4jStackLogger();
        }
    }

    @Override
    public void logStackTrace() {
        LOG.trace("stack trace", new Throwable());
    }

    @Override
    public void logStackTrace(int traceLevel) {
        logStackTrace();
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    @Override
    public void logException(Throwable ex) {
        LOG.debug("JAIN-SIP exception", ex);
    }

    @Override
    public void logDebug(String message) {
        LOG.debug(message);
    }

    @Override
    public void logDebug(String message, Exception ex) {
        LOG.debug(message, ex);
    }

    @Override
    public void logTrace(String message) {
        LOG.trace(message);
    }

    @Override
    public void logFatalError(String message) {
        ERRORS.error("fatal", "{}", message);
    }

    @Override
    public void logError(String message) {
        ERRORS.error("error", "{}", message);
    }

    @Override
    public boolean isLoggingEnabled() {
        return LOG.isInfoEnabled();
    }

    @Override
    public boolean isLoggingEnabled(int logLevel) {
        if (logLevel >= TRACE_TRACE) {
            return LOG.isTraceEnabled();
        } else if (logLevel >= TRACE_DEBUG) {
            return LOG.isDebugEnabled();
        } else if (logLevel >= TRACE_INFO) {
            return LOG.isInfoEnabled();
        } else if (logLevel >= TRACE_WARN) {
            return LOG.isWarnEnabled();
        }
        return logLevel > TRACE_NONE && LOG.isErrorEnabled();
    }

    @Override
    public void logError(String message, Exception ex) {
        ERRORS.error("error:" + ex.getClass().getName(), "{}", message, ex);
    }

    @Override
    public void logWarning(String message) {
        ERRORS.warn("warning", "{}", message);
    }

    @Override
    public void logInfo(String message) {
        LOG.info(message);
    }

    @Override
    public void disableLogging() {
        // SLF4J configuration decides.
    }

    @Override
    public void enableLogging() {
        // SLF4J configuration decides.
    }

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {
        // Not needed.
    }

    @Override
    public void setStackProperties(Properties properties) {
        // Not needed.
    }

    @Override
    public String getLoggerName() {
        return LOG.getName();
    }
}
