package dev.softswitch.gateway.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.softswitch.gateway.e2e.MonitoringConfig.AlertRule;
import dev.softswitch.gateway.e2e.MonitoringConfig.PanelQuery;
import dev.softswitch.gateway.e2e.PromExposition.Sample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A {@code promtool test rules} file built from one real {@code /metrics} scrape. Every scraped sample
 * becomes an input series labelled as Prometheus would scrape it ({@code job}, {@code instance}): a
 * counter grows by its scraped value every minute for 30 minutes (the run's call mix, once a minute), a
 * gauge stays at its value. Test groups may replace or add series whose names and label sets come from
 * the scrape, for conditions the real run cannot produce.
 */
final class PromtoolRuleTests {

    static final String JOB = "softswitch";
    static final String INSTANCE = "gateway-1:8080"; // one of the two nodes in docker/prometheus.yml
    static final String EVAL_TIME = "30m";
    /** The labels Prometheus gives every series it scrapes from the gateway (docker/prometheus.yml). */
    static final Map<String, String> TARGET = Map.of("job", JOB, "instance", INSTANCE);
    private static final String INTERVAL = "30s";
    private static final int STEPS = 60;
    private static final Pattern LABEL_TEMPLATE = Pattern.compile("\\{\\{\\s*\\$labels\\.(\\w+)\\s*}}");

    private final Map<String, Sample> scraped = new LinkedHashMap<>();
    private final Map<String, String> realSeries = new LinkedHashMap<>();
    private final Map<String, AlertRule> rules;
    private final List<Map<String, Object>> groups = new ArrayList<>();

    PromtoolRuleTests(PromExposition scrape, List<AlertRule> alertRules) {
        for (Sample s : scrape.samples()) {
            Sample labelled = asScraped(s);
            scraped.put(labelled.series(), labelled);
            double perStep = s.value() / 2; // two 30 s steps a minute
            realSeries.put(labelled.series(), scrape.monotonic(s)
                    ? "0+" + PromExposition.format(perStep) + "x" + STEPS
                    : PromExposition.format(s.value()) + "x" + STEPS);
        }
        // Prometheus' own series for a target it scraped.
        realSeries.put(new Sample("up", TARGET, 1).series(), "1x" + STEPS);
        this.rules = alertRules.stream().collect(Collectors.toMap(AlertRule::name, Function.identity()));
    }

    /** The scraped series of {@code name} carrying every label of {@code labels}; an AssertionError if none. */
    Sample scraped(String name, Map<String, String> labels) {
        return scraped.values().stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " with " + labels + " in the scrape"));
    }

    /** Every scraped series of {@code name}; an AssertionError if none. */
    List<Sample> scrapedAll(String name) {
        List<Sample> all = scraped.values().stream().filter(s -> s.name().equals(name)).toList();
        if (all.isEmpty()) {
            throw new AssertionError("no " + name + " in the scrape");
        }
        return all;
    }

    /**
     * A series the scrape does not hold but could: the first scraped series of {@code name} with the
     * values of some of its labels replaced (each label must be there already).
     */
    Sample variant(String name, Map<String, String> replaced) {
        Sample base = scraped(name, Map.of());
        for (String label : replaced.keySet()) {
            if (!base.labels().containsKey(label)) {
                throw new AssertionError(base.series() + " has no label " + label);
            }
        }
        return base.withLabels(replaced);
    }

    /** The rule {@code alertname} fires at {@link #EVAL_TIME} for exactly these label sets (none: silent). */
    Map<String, Object> alertFires(String alertname, List<Map<String, String>> labelSets) {
        AlertRule rule = rules.get(alertname);
        if (rule == null) {
            throw new AssertionError("no alert " + alertname + " in the rules file (renamed?): " + rules.keySet());
        }
        List<Map<String, Object>> expected = new ArrayList<>();
        for (Map<String, String> labels : labelSets) {
            Map<String, String> all = new TreeMap<>(labels);
            all.putAll(rule.labels());
            Map<String, String> annotations = new TreeMap<>();
            rule.annotations().forEach((k, v) -> annotations.put(k, expand(v, all, alertname)));
            expected.add(Map.of("exp_labels", all, "exp_annotations", annotations));
        }
        return Map.of("eval_time", EVAL_TIME, "alertname", alertname, "exp_alerts", expected);
    }

    /**
     * The panel query returns data at {@link #EVAL_TIME}: its rule ({@code count by (legend labels) (query) > 0},
     * see {@link #panelRules}) fires once for every value the scrape holds of its legend's labels on the
     * metrics it reads. A label renamed in the gateway leaves the legend empty, and this fails.
     */
    Map<String, Object> panelReturnsData(PanelQuery q) {
        Set<String> names = MonitoringConfig.metricNames(q.expr());
        Set<Map<String, String>> expected = new LinkedHashSet<>();
        for (Sample s : scraped.values()) {
            if (names.contains(s.name())) {
                Map<String, String> legend = new TreeMap<>();
                for (String l : q.legendLabels()) {
                    if (!s.labels().containsKey(l)) {
                        throw new AssertionError("panel " + q.panelId() + " '" + q.title() + "' shows {{" + l
                                + "}} in its legend but the scraped " + s.series() + " has no label " + l);
                    }
                    legend.put(l, s.labels().get(l));
                }
                expected.add(legend);
            }
        }
        if (expected.isEmpty() && !names.isEmpty()) {
            throw new AssertionError("panel " + q.panelId() + " '" + q.title() + "' reads " + names
                    + ", none of which the scrape holds (renamed? or registered only on its first event: register it at start)");
        }
        if (names.isEmpty() || q.legendLabels().isEmpty()) {
            expected = Set.of(Map.of());
        }
        return Map.of("eval_time", EVAL_TIME, "alertname", q.ruleName(), "exp_alerts",
                expected.stream().map(l -> Map.of("exp_labels", l, "exp_annotations", Map.of("panel", q.title()))).toList());
    }

    /** A test group: the real series with {@code replaced} ones (series → promtool values) replaced or added. */
    void group(String name, Map<Sample, String> replaced, List<Map<String, Object>> alertTests) {
        Map<String, String> series = new LinkedHashMap<>(realSeries);
        replaced.forEach((s, values) -> series.put(s.series(), values));
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("name", name);
        group.put("interval", INTERVAL);
        group.put("input_series", series.entrySet().stream()
                .map(e -> Map.of("series", e.getKey(), "values", e.getValue())).toList());
        group.put("alert_rule_test", alertTests);
        groups.add(group);
    }

    /** Writes the test file, which loads {@code ruleFiles}. */
    Path write(Path file, Path... ruleFiles) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("rule_files", Arrays.stream(ruleFiles).map(p -> p.toAbsolutePath().toString()).toList());
        root.put("evaluation_interval", INTERVAL);
        root.put("tests", groups);
        new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), root);
        return file;
    }

    /**
     * A rules file with one alert per dashboard query, {@code count by (legend labels) (query) > 0}:
     * {@code promtool check rules} parses every query, and {@link #panelReturnsData} proves it has data.
     */
    static Path panelRules(Path file, List<PanelQuery> queries) throws IOException {
        List<Map<String, Object>> rules = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        for (PanelQuery q : queries) {
            if (!names.add(q.ruleName())) {
                throw new AssertionError("two dashboard queries are both " + q.ruleName() + ": give panels distinct ids and refIds");
            }
            rules.add(Map.of("alert", q.ruleName(), "expr",
                    "count by (" + String.join(", ", q.legendLabels()) + ") (\n" + q.expr() + "\n) > 0",
                    "annotations", Map.of("panel", q.title())));
        }
        new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(),
                Map.of("groups", List.of(Map.of("name", "dashboard-panels", "rules", rules))));
        return file;
    }

    private static Sample asScraped(Sample s) {
        Map<String, String> labels = new TreeMap<>();
        s.labels().forEach((k, v) -> labels.put(k.equals("job") || k.equals("instance") ? "exported_" + k : k, v));
        labels.put("job", JOB);
        labels.put("instance", INSTANCE);
        return new Sample(s.name(), labels, s.value());
    }

    /** Expands {@code {{ $labels.x }}}, the only template the rules use; anything else fails the test. */
    private static String expand(String template, Map<String, String> labels, String alertname) {
        Matcher m = LABEL_TEMPLATE.matcher(template);
        String expanded = m.replaceAll(r -> Matcher.quoteReplacement(labels.getOrDefault(r.group(1), "")));
        if (expanded.contains("{{")) {
            throw new AssertionError("alert " + alertname + ": the test expands only {{ $labels.x }} in annotations: " + template);
        }
        return expanded;
    }
}
