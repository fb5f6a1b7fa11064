package dev.softswitch.charging.account;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Writes the service-closure refund report (ACC-3) as CSV: one line per account with its unexpired credit. */
public final class RefundReportWriter {

    public static final String HEADER = "account,currency,refund,lots,service_end";

    private RefundReportWriter() {
    }

    public static void write(Path file, List<Refund> refunds, Instant serviceEnd) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(out, refunds, serviceEnd);
        }
    }

    public static void write(Writer out, List<Refund> refunds, Instant serviceEnd) throws IOException {
        out.write(HEADER);
        out.write('\n');
        for (Refund r : refunds) {
            out.write(quote(r.accountId()) + "," + r.amount().currency() + "," + r.amount().toPlainString() + ","
                    + r.lots() + "," + serviceEnd + "\n");
        }
        out.flush();
    }

    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
