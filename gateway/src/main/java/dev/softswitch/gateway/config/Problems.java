package dev.softswitch.gateway.config;

import dev.softswitch.gateway.config.YamlNode.Mark;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The problems found while checking one file, reported together in file order. */
final class Problems {

    private record Problem(Mark mark, String path, String text) {
    }

    private final String source;
    private final List<Problem> problems = new ArrayList<>();

    Problems(String source) {
        this.source = source;
    }

    void add(Mark mark, String path, String text) {
        problems.add(new Problem(mark, path, text));
    }

    int count() {
        return problems.size();
    }

    /** Throws every problem found, if any, as one {@link ConfigException}. */
    void throwIfAny() {
        if (problems.isEmpty()) {
            return;
        }
        throw new ConfigException(problems.stream()
                .sorted(Comparator.comparing(Problem::mark))
                .map(p -> ConfigException.format(source, p.mark().line(), p.mark().column(), p.path(), p.text()))
                .toList());
    }
}
