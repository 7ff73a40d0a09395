package dev.tollgate.gateway;

import dev.tollgate.gateway.Provider.AuthStyle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The provider hosts the gateway forwards to: those of the Node SDK's {@code lava.providers}
 * list, plus OpenRouter. No other host is ever contacted, unless the operator maps one of these
 * hosts to another base URL.
 */
public final class Providers {
    private static final Map<String, Provider> BY_HOST = new LinkedHashMap<>();

    static {
        add("openai", "api.openai.com", AuthStyle.BEARER, "OPENAI_API_KEY");
        add("anthropic", "api.anthropic.com", AuthStyle.X_API_KEY, "ANTHROPIC_API_KEY");
        add("google", "generativelanguage.googleapis.com", AuthStyle.GOOGLE, "GEMINI_API_KEY",
                "GOOGLE_API_KEY");
        add("mistral", "api.mistral.ai", AuthStyle.BEARER, "MISTRAL_API_KEY");
        add("deepseek", "api.deepseek.com", AuthStyle.BEARER, "DEEPSEEK_API_KEY");
        add("xai", "api.x.ai", AuthStyle.BEARER, "XAI_API_KEY");
        add("kluster", "api.kluster.ai", AuthStyle.BEARER, "KLUSTER_API_KEY");
        add("inference", "api.inference.net", AuthStyle.BEARER, "INFERENCE_API_KEY");
        add("groq", "api.groq.com", AuthStyle.BEARER, "GROQ_API_KEY");
        add("novita", "api.novita.ai", AuthStyle.BEARER, "NOVITA_API_KEY");
        add("vercel", "api.v0.dev", AuthStyle.BEARER, "V0_API_KEY");
        add("together", "api.together.xyz", AuthStyle.BEARER, "TOGETHER_API_KEY");
        add("hyperbolic", "api.hyperbolic.xyz", AuthStyle.BEARER, "HYPERBOLIC_API_KEY");
        add("elevenlabs", "api.elevenlabs.io", AuthStyle.ELEVENLABS, "ELEVENLABS_API_KEY");
        add("sambanova", "api.sambanova.ai", AuthStyle.BEARER, "SAMBANOVA_API_KEY");
        add("deepinfra", "api.deepinfra.com", AuthStyle.BEARER, "DEEPINFRA_API_KEY");
        add("cohere", "api.cohere.ai", AuthStyle.BEARER, "COHERE_API_KEY");
        add("parasail", "api.parasail.io", AuthStyle.BEARER, "PARASAIL_API_KEY");
        add("nebius", "api.studio.nebius.com", AuthStyle.BEARER, "NEBIUS_API_KEY");
        add("fireworks", "api.fireworks.ai", AuthStyle.BEARER, "FIREWORKS_API_KEY");
        add("embercloud", "api.embercloud.ai", AuthStyle.BEARER, "EMBERCLOUD_API_KEY");
        add("cerebras", "api.cerebras.ai", AuthStyle.BEARER, "CEREBRAS_API_KEY");
        add("targon", "api.targon.com", AuthStyle.BEARER, "TARGON_API_KEY");
        add("gmicloud", "api.gmi-serving.com", AuthStyle.BEARER, "GMI_API_KEY");
        add("chutes", "llm.chutes.ai", AuthStyle.BEARER, "CHUTES_API_KEY");
        add("baseten", "inference.baseten.co", AuthStyle.BEARER, "BASETEN_API_KEY");
        add("moonshot", "api.moonshot.ai", AuthStyle.BEARER, "MOONSHOT_API_KEY");
        add("openrouter", "openrouter.ai", AuthStyle.BEARER, "OPENROUTER_API_KEY");
    }

    private Providers() {
    }

    private static void add(String id, String host, AuthStyle style, String... variables) {
        BY_HOST.put(host, new Provider(id, host, style, List.of(variables)));
    }

    /** Returns the provider whose API lives at {@code host} (case-insensitive). */
    public static Optional<Provider> byHost(String host) {
        return Optional.ofNullable(BY_HOST.get(host.toLowerCase(Locale.ROOT)));
    }

    /** Returns every provider, in the order of the table above. */
    public static List<Provider> all() {
        return List.copyOf(BY_HOST.values());
    }
}
