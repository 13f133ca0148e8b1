package dev.ares.core.tasks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The built-in families by name: five text families and three image families. */
public final class TaskFamilies {

    private static final Map<String, TaskFamily> ALL = new LinkedHashMap<>();

    static {
        for (TaskFamily f : List.of(new AdditionFamily(), new SubtractionFamily(), new MultiplicationFamily(),
                new LinearEquationFamily(), new ComparisonChainFamily(), new BarChartFamily(), new ShapeCountFamily(),
                new TableReadFamily())) {
            ALL.put(f.name(), f);
        }
    }

    private TaskFamilies() {
    }

    /** Every built-in family, text families first. */
    public static List<TaskFamily> all() {
        return List.copyOf(ALL.values());
    }

    /** The families of one modality. */
    public static List<TaskFamily> of(Modality modality) {
        return ALL.values().stream().filter(f -> f.modality() == modality).toList();
    }

    /**
     * The family called {@code name}.
     *
     * @throws IllegalArgumentException naming the known families when there is none of that name
     */
    public static TaskFamily byName(String name) {
        TaskFamily f = ALL.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown task family '" + name + "'; known: " + ALL.keySet());
        }
        return f;
    }
}
