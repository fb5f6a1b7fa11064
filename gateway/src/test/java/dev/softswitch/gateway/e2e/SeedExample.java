package dev.softswitch.gateway.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.softswitch.gateway.Gateway;
import dev.softswitch.gateway.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One of the shipped {@code examples/*.yaml} running as the real gateway in this JVM: the file and its rate decks
 * are copied as they are, and only what a test run must own is changed — loopback ports, the media range and
 * silence timeout, the journal and call-record files — plus whatever {@code edit} changes (named by each test).
 */
final class SeedExample implements AutoCloseable {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final AtomicInteger MEDIA_SLOT = new AtomicInteger();

    final Gateway gateway;
    final int sipPort;
    final int carrierPort;
    final Path callRecords;
    private final String password;

    private SeedExample(Gateway gateway, int sipPort, int carrierPort, Path callRecords, String password) {
        this.gateway = gateway;
        this.sipPort = sipPort;
        this.carrierPort = carrierPort;
        this.callRecords = callRecords;
        this.password = password;
    }

    /** The {@code examples} directory of this checkout. */
    static Path examples() {
        return SippScenario.directory().resolveSibling("examples");
    }

    static SeedExample start(String name, Path dir, Consumer<ObjectNode> edit) throws Exception {
        Path examples = examples();
        try (DirectoryStream<Path> decks = Files.newDirectoryStream(examples, "*.csv")) {
            for (Path deck : decks) {
                Files.copy(deck, dir.resolve(deck.getFileName()));
            }
        }
        ObjectNode root = (ObjectNode) YAML.readTree(examples.resolve(name + ".yaml").toFile());
        return start(root, name, dir, edit, "demo-pw");
    }

    /**
     * The embedded demo configuration ({@code default-config.yaml}, what README's first command runs) on free
     * ports; its accounts' passwords are {@code <id>-demo}, so {@link #client} takes the account's.
     */
    static SeedExample demo(Path dir, Consumer<ObjectNode> edit) throws Exception {
        ObjectNode root;
        try (java.io.InputStream in = Gateway.class.getResourceAsStream("/" + GatewayConfig.DEFAULT_RESOURCE)) {
            root = (ObjectNode) YAML.readTree(in);
        }
        return start(root, "demo", dir, edit, null);
    }

    private static SeedExample start(ObjectNode root, String name, Path dir, Consumer<ObjectNode> edit,
                                     String password) throws Exception {
        int sipPort = SippProcess.freePort();
        int carrierPort = SippProcess.freeUdpPort();
        int mediaBase = 28000 + 40 * (MEDIA_SLOT.getAndIncrement() % 50);
        ArrayNode listen = ((ObjectNode) root.get("sip")).putArray("listen");
        listen.addObject().put("transport", "udp").put("host", "127.0.0.1").put("port", sipPort);
        ((ObjectNode) root.get("http")).put("port", SippProcess.freeTcpPort());
        // SIPp's basic-call client sends no audio: a silent minute must not end its call (MED-5's timeout)
        ((ObjectNode) root.get("media")).put("portMin", mediaBase).put("portMax", mediaBase + 39)
                .put("timeout", "3m");
        ((ObjectNode) root.get("trunks").get(0)).put("port", carrierPort);
        ((ObjectNode) root.get("charging")).put("journal", dir.resolve("journal").toString());
        Path calls = dir.resolve("calls.jsonl");
        ((ObjectNode) root.get("cdr")).put("file", calls.toString());
        edit.accept(root);
        Path file = dir.resolve(name + ".yaml");
        YAML.writeValue(file.toFile(), root);
        Gateway gateway = Gateway.start(GatewayConfig.load(file), file);
        return new SeedExample(gateway, sipPort, carrierPort, calls, password);
    }

    /** The first product of the example, to change a figure for a test. */
    static ObjectNode product(ObjectNode root) {
        return (ObjectNode) root.get("charging").get("products").get(0);
    }

    static JsonNode node(ObjectNode root, String... path) {
        JsonNode n = root;
        for (String p : path) {
            n = n.get(p);
        }
        return n;
    }

    /** A SIPp carrier on the example's trunk port answering {@code calls} calls. */
    SippProcess carrier(int calls, java.time.Duration limit) throws IOException {
        SippProcess carrier = SippProcess.builder(SippScenario.uas("basic-call")).localPort(carrierPort).calls(calls)
                .timeout(limit).start();
        carrier.awaitListening(java.time.Duration.ofSeconds(5));
        return carrier;
    }

    /**
     * A SIPp app client placing one call as {@code account} (password demo-pw, in the demo {@code <id>-demo}) to
     * {@code number}.
     */
    SippProcess.Builder client(String flow, String account, String number) {
        return SippProcess.builder(SippScenario.uac(flow)).remote(sipPort).service(number).set("account", account)
                .password(password != null ? password : account + "-demo");
    }

    @Override
    public void close() {
        gateway.close();
    }
}
