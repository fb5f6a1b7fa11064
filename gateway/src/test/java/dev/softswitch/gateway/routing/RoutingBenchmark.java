package dev.softswitch.gateway.routing;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import dev.softswitch.gateway.config.AvailabilityConfig;
import dev.softswitch.gateway.transport.Endpoint;
import dev.softswitch.gateway.transport.TransportType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Routing cost per call (issue #4): normalise + classify + availability + candidate list, on a table
 * of 100,000 routing prefixes served by 50 trunks, each prefix by 3 trunks that all price it in
 * their decks (300,000 deck entries), with the seed-000 availability. Dialled numbers are 1,024 valid
 * numbers of 12 countries, half in national format from a caller in that country. Run with the
 * {@code bench} profile; {@code mvn verify} never runs it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RoutingBenchmark {

    static final int PREFIXES = 100_000;
    static final int TRUNKS = 50;
    static final int TRUNKS_PER_PREFIX = 3;
    static final String[] REGIONS = {"JP", "TH", "ID", "DE", "GB", "US", "FR", "KR", "VN", "SG", "BR", "IN"};
    static final Instant NOW = Instant.parse("2015-01-01T00:00:00Z");

    private RoutingService service;
    private NumberClassifier classifier;
    private TrunkSelector selector;
    private String[] callers;
    private String[] dialled;
    private String[] digits;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(42);
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        classifier = new NumberClassifier();

        List<String> callerList = new ArrayList<>();
        List<String> dialledList = new ArrayList<>();
        List<String> digitList = new ArrayList<>();
        while (dialledList.size() < 1024) {
            String region = REGIONS[random.nextInt(REGIONS.length)];
            PhoneNumberType type = random.nextBoolean() ? PhoneNumberType.MOBILE : PhoneNumberType.FIXED_LINE;
            PhoneNumber example = util.getExampleNumberForType(region, type);
            if (example == null) {
                continue;
            }
            PhoneNumber n = new PhoneNumber().setCountryCode(example.getCountryCode())
                    .setNationalNumber(example.getNationalNumber() + random.nextInt(1000));
            if (!util.isValidNumber(n)) {
                continue;
            }
            boolean national = random.nextBoolean();
            String text = national ? util.format(n, PhoneNumberFormat.NATIONAL) : util.format(n, PhoneNumberFormat.E164);
            String caller = national ? region : REGIONS[random.nextInt(REGIONS.length)];
            if (classifier.classify(caller, text) instanceof NumberClassifier.Callable c) {
                callerList.add(caller);
                dialledList.add(text);
                digitList.add(c.number().digits());
            }
        }
        callers = callerList.toArray(String[]::new);
        dialled = dialledList.toArray(String[]::new);
        digits = digitList.toArray(String[]::new);

        // 100,000 prefixes: every 2..7-digit prefix of the dialled numbers, then random ones under the same codes.
        Set<String> prefixes = new LinkedHashSet<>();
        for (String d : digits) {
            for (int len = 2; len <= 7 && prefixes.size() < PREFIXES; len++) {
                prefixes.add(d.substring(0, len));
            }
        }
        while (prefixes.size() < PREFIXES) {
            String base = digits[random.nextInt(digits.length)].substring(0, 2 + random.nextInt(3));
            StringBuilder p = new StringBuilder(base);
            int extra = 1 + random.nextInt(5);
            for (int i = 0; i < extra; i++) {
                p.append((char) ('0' + random.nextInt(10)));
            }
            prefixes.add(p.toString());
        }
        List<List<String>> served = new ArrayList<>();
        List<Map<String, Long>> decks = new ArrayList<>();
        for (int t = 0; t < TRUNKS; t++) {
            served.add(new ArrayList<>());
            decks.add(new HashMap<>());
        }
        for (String p : prefixes) {
            for (int k = 0; k < TRUNKS_PER_PREFIX; k++) {
                int t = random.nextInt(TRUNKS);
                if (!decks.get(t).containsKey(p)) {
                    served.get(t).add(p);
                    decks.get(t).put(p, 1_000L + random.nextInt(200_000));
                }
            }
        }
        List<Trunk> trunks = new ArrayList<>();
        for (int t = 0; t < TRUNKS; t++) {
            trunks.add(new Trunk("trunk-" + t, List.of(Endpoint.of("127.0.0.1", 5100 + t, TransportType.UDP)),
                    served.get(t), random.nextInt(3), 1 + random.nextInt(5), RateDeck.of(decks.get(t)), 1000, 0,
                    NumberFormat.E164, "", CallerIdMode.BOTH, null, Set.of(), true, false));
        }
        TrunkStates states = new TrunkStates();
        selector = new TrunkSelector(trunks, states, new SplittableRandom(7));
        CountryAvailability availability =
                CountryAvailability.from(AvailabilityConfig.loadResource("availability-example.yaml"));
        service = new RoutingService(new RoutingTable(classifier, availability, selector, 3), states,
                new SplittableRandom(7), new SimpleMeterRegistry());
    }

    /** The whole decision the B2BUA asks for: normalise, classify, availability, candidates. */
    @Benchmark
    public RouteDecision route() {
        int i = next++ & 1023;
        return service.route(callers[i], dialled[i], NOW);
    }

    /** libphonenumber's share: parse, validate, type. */
    @Benchmark
    public NumberClassifier.Classification classify() {
        int i = next++ & 1023;
        return classifier.classify(callers[i], dialled[i]);
    }

    /** The trie walk, deck pricing and ordering alone. */
    @Benchmark
    public List<TrunkCandidate> candidates() {
        int i = next++ & 1023;
        return selector.candidates(digits[i], NOW);
    }
}
