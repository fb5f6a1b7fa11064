package dev.softswitch.gateway;

import dev.softswitch.gateway.admin.HashTokenCommand;
import dev.softswitch.gateway.auth.HashPasswordCommand;
import dev.softswitch.gateway.config.ConfigException;
import dev.softswitch.gateway.config.GatewayConfig;
import io.netty.util.ResourceLeakDetector;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar gateway.jar [--config FILE]}: starts the gateway, on the embedded demo configuration by
 * default; {@code java -jar gateway.jar hash-password ACCOUNT} makes an account's password hashes and
 * {@code java -jar gateway.jar hash-token} the hash of an admin API token.
 */
public final class GatewayMain {

    private static final Logger log = LoggerFactory.getLogger(GatewayMain.class);
    /** The system property with which Netty's leak detection is chosen ({@link #defaultLeakDetection}). */
    static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";
    /** A stop (SIGTERM) never waits longer than this for calls and sockets to close. */
    private static final java.time.Duration SHUTDOWN_LIMIT = java.time.Duration.ofSeconds(15);

    private GatewayMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && HashPasswordCommand.NAME.equals(args[0])) {
            System.exit(HashPasswordCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
            return;
        }
        if (args.length > 0 && HashTokenCommand.NAME.equals(args[0])) {
            System.exit(HashTokenCommand.run(List.of(args).subList(1, args.length), System.out, System.err));
            return;
        }
        Path configFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        usage("--config needs a file");
                        return;
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--help", "-h" -> {
                    usage(null);
                    return;
                }
                default -> {
                    usage("unknown argument: " + args[i]);
                    return;
                }
            }
        }
        GatewayConfig config;
        try {
            config = configFile == null ? GatewayConfig.loadDefault() : GatewayConfig.load(configFile);
        } catch (ConfigException e) {
            log.error("configuration refused: {}", e.getMessage());
            System.exit(2);
            return;
        }
        log.info("configuration: {}", configFile == null ? "embedded default (demo)" : configFile);
        defaultLeakDetection(System.getProperty(LEAK_DETECTION_PROPERTY));
        Gateway gateway;
        try {
            gateway = Gateway.start(config, configFile);
        } catch (Exception e) {
            log.error("gateway could not start: {}", e.toString());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutting down");
            Thread watchdog = new Thread(() -> {
                java.util.concurrent.locks.LockSupport.parkNanos(SHUTDOWN_LIMIT.toNanos());
                log.error("shutdown took longer than {}: halting", SHUTDOWN_LIMIT);
                Runtime.getRuntime().halt(3);
            }, "shutdown-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            gateway.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }

    /**
     * Turns Netty's buffer leak detection off unless {@code -Dio.netty.leakDetection.level} chose a level
     * ({@code configured}). Netty's default samples one buffer in 128 with a stack trace and a phantom reference:
     * at 25,000 relayed packets a second that is 200 stack walks a second on the relay's thread (issue 14). The
     * tests run with Netty's default; an operator chasing a leak starts the gateway with the property set.
     */
    static void defaultLeakDetection(String configured) {
        if (configured == null || configured.isBlank()) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        } else {
            log.info("Netty leak detection: {} ({})", ResourceLeakDetector.getLevel(), LEAK_DETECTION_PROPERTY);
        }
    }

    private static void usage(String error) {
        if (error != null) {
            log.error("{}", error);
        }
        log.info("usage: java -jar gateway/target/gateway.jar [--config FILE] | hash-password ACCOUNT | hash-token");
        if (error != null) {
            System.exit(64);
        }
    }
}
