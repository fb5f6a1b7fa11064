package dev.softswitch.gateway;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.softswitch.gateway.admin.HashTokenCommand;
import dev.softswitch.gateway.auth.HashPasswordCommand;
import dev.softswitch.gateway.config.ConfigException;
import dev.softswitch.gateway.config.GatewayConfig;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
        tenuringAdvice(ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .toList(), vmOption("MaxTenuringThreshold")).ifPresent(log::warn);
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

    /** Tenuring threshold that {@link #tenuringAdvice} asks for under G1. */
    static final int ADVISED_TENURING = 2;

    /**
     * Advice when the JVM runs G1 ({@code collectors}, as the GC beans name them) with a tenuring threshold above
     * {@link #ADVISED_TENURING}: what a call leaves for tens of seconds (its transactions' last wait, 64*T1) and for
     * good (its record in the account's history) is otherwise copied from survivor space to survivor space by up to
     * 15 young collections before it is promoted. At 4,100 calls a second the longest pauses were 145-224 ms and the
     * overload guard shed calls behind them in 3 of 4 runs of 60 s; with 2, 130-144 ms and none in 3 (bench/README.md,
     * 2026-12-04).
     * Empty when the option is as advised, another collector runs, or the option cannot be read.
     */
    static Optional<String> tenuringAdvice(List<String> collectors, String maxTenuringThreshold) {
        if (!collectors.contains("G1 Young Generation") || maxTenuringThreshold == null) {
            return Optional.empty();
        }
        try {
            if (Integer.parseInt(maxTenuringThreshold) <= ADVISED_TENURING) {
                return Optional.empty();
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of("JVM: G1 with MaxTenuringThreshold=" + maxTenuringThreshold + " copies what calls leave"
                + " behind through up to that many young collections; under load start the gateway with"
                + " -XX:MaxTenuringThreshold=" + ADVISED_TENURING + " (as docker/Dockerfile does), see bench/README.md");
    }

    private static String vmOption(String name) {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
        } catch (RuntimeException e) { // not HotSpot, or no such option
            return null;
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
