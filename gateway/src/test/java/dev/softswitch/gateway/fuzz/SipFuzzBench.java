package dev.softswitch.gateway.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bench size of the fuzz harness: {@code SipFuzzBench [mutations] [seed]} (default 1,000,000 and
 * a fresh seed) runs {@link SipFuzzEndToEndTest}'s checks against a gateway in this JVM and prints the
 * counts. Run from the test classpath, e.g. {@code mvn -o -q -pl gateway -am test
 * -Dtest=SipFuzzEndToEndTest -Dfuzz.mutations=1000000}, or with java and that classpath.
 */
public final class SipFuzzBench {

    private SipFuzzBench() {
    }

    public static void main(String[] args) throws Exception {
        int mutations = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        Path dir = Files.createTempDirectory("sip-fuzz");
        System.out.println(SipFuzzEndToEndTest.run(seed, mutations, dir));
        System.exit(0);
    }
}
