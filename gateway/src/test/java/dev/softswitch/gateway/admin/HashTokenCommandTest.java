package dev.softswitch.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code java -jar gateway.jar hash-token} prints the configuration's sha256 of a token read from stdin. */
class HashTokenCommandTest {

    private final InputStream stdin = System.in;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void restore() {
        System.setIn(stdin);
    }

    @Test
    void printsTheSha256OfTheDemoToken() {
        assertThat(run("demo-admin-token\n")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "sha256: \"91c16f0d6cc1bec3c3603972182a07c66ff4fa71618a975e963d6dbe42b6dd37\"\n");
        assertThat(new ApiTokens(List.of(new ApiTokens.Token("demo", ApiRole.OPERATOR,
                ApiTokens.hash("demo-admin-token")))).authenticate("demo-admin-token"))
                .hasValue(new ApiCaller("demo", ApiRole.OPERATOR));
    }

    @Test
    void refusesAShortToken() {
        assertThat(run("short\n")).isEqualTo(64);

        assertThat(out.size()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("shorter than 16");
    }

    private int run(String stdinText) {
        System.setIn(new ByteArrayInputStream(stdinText.getBytes(StandardCharsets.UTF_8)));
        return HashTokenCommand.run(List.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
