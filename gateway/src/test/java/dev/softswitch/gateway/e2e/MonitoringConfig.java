package dev.softswitch.gateway.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's monitoring files in {@code docker/} as a test reads them: every alert rule of
 * {@code alerts.yml} and every query of every panel of a Grafana dashboard, with Grafana's variables
 * replaced by values Prometheus can evaluate.
 */
final class MonitoringConfig {

    /** PromQL words that look like metric names. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "and", "or", "unless", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan");
    /** Grafana's built-in interval variables, as a 30 s scrape would set them. */
    private static final Map<String, String> GRAFANA_BUILT_INS = Map.of("__rate_interval", "2m", "__interval", "1m",
            "__range", "15m", "__range_s", "900", "__range_ms", "900000", "__interval_ms", "60000");
    /** {@code $var}, {@code ${var}}, {@code ${var:format}} and {@code [[var]]}. */
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(\\w+)|\\[\\[(\\w+)]]");
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");

    /** One alerting rule as written in the rules file. */
    record AlertRule(String name, String expr, Map<String, String> labels, Map<String, String> annotations) {
    }

    /**
     * One query of one dashboard panel: {@code expr} with Grafana's variables replaced, and the labels
     * its legend shows ({@code {{trunk}}}), which the query's result must carry.
     */
    record PanelQuery(int panelId, String title, String refId, String expr, Set<String> legendLabels) {

        /** A rule name for the query: {@code panel_11_A}. */
        String ruleName() {
            return "panel_" + panelId + "_" + refId;
        }
    }

    private MonitoringConfig() {
    }

    static Path dockerDirectory() {
        return SippScenario.directory().getParent().resolve("docker");
    }

    static List<AlertRule> alertRules(Path file) throws IOException {
        List<AlertRule> rules = new ArrayList<>();
        for (JsonNode group : new ObjectMapper(new YAMLFactory()).readTree(file.toFile()).get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                if (rule.has("alert")) {
                    rules.add(new AlertRule(rule.get("alert").asText(), rule.get("expr").asText(),
                            strings(rule.get("labels")), strings(rule.get("annotations"))));
                }
            }
        }
        return rules;
    }

    /** Every target with an expression of every panel, rows' nested panels included. */
    static List<PanelQuery> panelQueries(Path dashboard) throws IOException {
        List<PanelQuery> queries = new ArrayList<>();
        collect(new ObjectMapper().readTree(dashboard.toFile()).path("panels"), queries);
        return queries;
    }

    private static void collect(JsonNode panels, List<PanelQuery> into) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText("");
                if (!expr.isBlank()) {
                    into.add(new PanelQuery(panel.path("id").asInt(), panel.path("title").asText(),
                            target.path("refId").asText("A"), substituteVariables(expr),
                            legendLabels(target.path("legendFormat").asText(""))));
                }
            }
            collect(panel.path("panels"), into);
        }
    }

    /** Grafana's interval variables by what a 30 s scrape gives them; any dashboard variable by {@code .*} (All). */
    static String substituteVariables(String expr) {
        Matcher m = GRAFANA_VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            m.appendReplacement(out, Matcher.quoteReplacement(GRAFANA_BUILT_INS.getOrDefault(name, ".*")));
        }
        return m.appendTail(out).toString();
    }

    static Set<String> legendLabels(String legendFormat) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher m = LEGEND_LABEL.matcher(legendFormat);
        while (m.find()) {
            labels.add(m.group(1));
        }
        return labels;
    }

    /** The metric names in a PromQL expression: label matchers, ranges, grouping clauses, functions and keywords dropped. */
    static Set<String> metricNames(String promql) {
        String bare = promql.replaceAll("\"[^\"]*\"", "\"\"").replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ").replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(bare);
        while (m.find()) {
            if (m.group(2) == null && !KEYWORDS.contains(m.group(1).toLowerCase())) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        if (object != null) {
            object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        }
        return map;
    }
}
