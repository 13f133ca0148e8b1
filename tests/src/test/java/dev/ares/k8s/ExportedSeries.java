package dev.ares.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What each service exported in one scrape of its {@code /q/metrics} (service name → samples), and the check of a
 * PromQL query against it.
 *
 * <p>A selector's job matcher picks the services (Prometheus' job label is the Service name that the
 * ServiceMonitor scrapes; without one: any service). Each picked service must export the metric with the labels
 * the query filters, groups or matches by (target labels that Prometheus adds excepted); the label values asked
 * for must occur in at least one of them.
 */
record ExportedSeries(Map<String, List<PromText.Sample>> byService) {
    /** Labels Prometheus attaches from the scrape target, not from the exposition. */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance", "namespace", "pod", "service", "container", "endpoint");

    /**
     * Problems of one query.
     *
     * @param where       names the panel or autoscaler in the messages
     * @param q           the query
     * @param allMatchers true: every matcher's value must occur (after activity); false: only the positive ones
     *                    ({@code =}, {@code =~}), since a fresh service has e.g. no {@code exception!="none"} series
     * @return one line per problem, empty when the query reads exported series
     */
    List<String> check(String where, PromQuery q, boolean allMatchers) {
        List<String> problems = new ArrayList<>();
        if (q.selectors().isEmpty()) {
            problems.add(where + ": no metric read by " + q.expr());
        }
        for (PromQuery.Selector s : q.selectors()) {
            PromQuery.Matcher1 job = s.matchers().stream().filter(m -> m.label().equals("job")).findFirst().orElse(null);
            List<String> services = byService.keySet().stream().filter(svc -> job == null || job.accepts(svc)).toList();
            if (services.isEmpty()) {
                problems.add(where + ": " + s.metric() + " selects no service (job " + (job == null ? "-" : job.value()) + ")");
                continue;
            }
            List<PromQuery.Matcher1> own = s.matchers().stream().filter(m -> !TARGET_LABELS.contains(m.label())).toList();
            List<PromQuery.Matcher1> valued = own.stream()
                    .filter(m -> allMatchers || m.op().equals("=") || m.op().equals("=~")).toList();
            Set<String> needed = new TreeSet<>();
            own.stream().filter(m -> !m.accepts("")).forEach(m -> needed.add(m.label()));
            q.groupingLabels().stream().filter(l -> !TARGET_LABELS.contains(l)).forEach(needed::add);
            int valuesFound = 0;
            int shapeFound = 0;
            for (String service : services) {
                List<PromText.Sample> named = byService.get(service).stream()
                        .filter(sample -> sample.name().equals(s.metric()) && sample.labels().keySet().containsAll(needed)).toList();
                if (!named.isEmpty()) {
                    shapeFound++;
                } else if (job != null) {
                    problems.add(where + ": " + service + " exports no " + s.metric() + " with labels " + needed + " (" + q.expr() + ")");
                }
                if (named.stream().anyMatch(sample -> valued.stream().allMatch(m -> m.accepts(sample.labels().get(m.label()))))) {
                    valuesFound++;
                }
            }
            if (shapeFound == 0 && job == null) {
                problems.add(where + ": no service exports " + s.metric() + " with labels " + needed + " (" + q.expr() + ")");
            } else if (valuesFound == 0) {
                problems.add(where + ": no sample of " + s.metric() + " in " + services + " matches " + valued + " (" + q.expr() + ")");
            }
        }
        return problems;
    }

    /** The values of {@code label} on the samples named {@code metric} that {@code service} exported. */
    Set<String> labelValues(String service, String metric, String label) {
        Set<String> values = new TreeSet<>();
        byService.get(service).stream().filter(s -> s.name().equals(metric) && s.labels().containsKey(label))
                .forEach(s -> values.add(s.labels().get(label)));
        return values;
    }
}
