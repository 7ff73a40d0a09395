package dev.tollgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks on the JSON error body {@code {"error": {type, code, message, param}}}. */
public final class ApiErrors {
    private ApiErrors() {
    }

    /**
     * Asserts the status, the error code and the field at fault. A null {@code param} means the
     * error names no field, and otherwise the message must name it too.
     */
    public static void assertError(ApiResponse response, int status, String code, String param) {
        assertThat(response.status()).as("status of %s", response.text()).isEqualTo(status);
        String body = response.text();
        assertThat(response.at("/error/type")).as("error.type of %s", body).isNotBlank();
        assertThat(response.at("/error/code")).as("error.code of %s", body).isEqualTo(code);
        assertThat(response.at("/error/param")).as("error.param of %s", body).isEqualTo(param);
        assertThat(response.at("/error/message")).as("error.message of %s", body).isNotBlank();
        if (param != null) {
            assertThat(response.at("/error/message")).as("error.message of %s", body)
                    .contains(param);
        }
    }
}
