package dev.softswitch.charging.journal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The journal directory's file helpers: listing by name, the seq a name carries, directory fsync. */
final class JournalFiles {

    private static final Logger log = LoggerFactory.getLogger(JournalFiles.class);

    private JournalFiles() {
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            log.debug("directory fsync not supported for {}: {}", dir, e.toString());
        }
    }

    static List<Path> list(Path dir, String prefix, String suffix) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(suffix);
            }).sorted().forEach(found::add);
        }
        return found;
    }

    static long firstSeq(Path file) {
        String n = file.getFileName().toString();
        return Long.parseLong(n.substring(n.indexOf('-') + 1, n.lastIndexOf('.')));
    }
}
