package dev.agenttunnel.core.config;

import java.time.Duration;

/** {@code [limits]}: concurrency, cooldown, timeouts and sizes. */
public record LimitsSettings(
        int maxConcurrent,
        double perUserCooldownS,
        double answerTimeoutS,
        double launchTimeoutS,
        double paneIdleTtlMin,
        int maxInlineChars,
        double maxAttachmentMb,
        int maxAttachments,
        double warmIdleTtlMin,
        int maxWarmForks,
        double maxThreadCostUsd,
        double maxHandleDailyCostUsd,
        double maxTurnCostUsd,

        double maxDeliverableMb,
        double maxUploadsMb) {
    public LimitsSettings {
        if (maxThreadCostUsd < 0 || maxHandleDailyCostUsd < 0 || maxTurnCostUsd < 0) {
            throw new IllegalArgumentException("limits.max_thread_cost_usd, max_handle_daily_cost_usd and max_turn_cost_usd "
                    + "must not be negative (0 = no limit)");
        }
        if (warmIdleTtlMin < 0 || maxWarmForks < 0) {
            throw new IllegalArgumentException("limits.warm_idle_ttl_min and limits.max_warm_forks must not be negative");
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("limits.max_concurrent must be at least 1");
        }
        if (answerTimeoutS <= 0 || launchTimeoutS <= 0) {
            throw new IllegalArgumentException("limits.answer_timeout_s and limits.launch_timeout_s must be positive");
        }
        if (perUserCooldownS < 0 || maxInlineChars < 1 || maxAttachmentMb < 0 || maxAttachments < 0 || maxDeliverableMb < 0
                || maxUploadsMb < 0) {
            throw new IllegalArgumentException("limits must not be negative (max_inline_chars at least 1)");
        }
    }

    /** The per-file cap on a colleague's attachment, in bytes ({@code max_attachment_mb} MiB). */
    public long maxAttachmentBytes() {
        return mebibytes(maxAttachmentMb);
    }

    /** The per-file cap on a deliverable the bridge posts, in bytes ({@code max_deliverable_mb} MiB). */
    public long maxDeliverableBytes() {
        return mebibytes(maxDeliverableMb);
    }

    /** The cap on every thread's uploads together, in bytes ({@code max_uploads_mb} MiB); oldest threads go first. */
    public long maxUploadsBytes() {
        return mebibytes(maxUploadsMb);
    }

    private static long mebibytes(double mb) {
        return (long) (mb * 1024 * 1024);
    }

    public Duration answerTimeout() {
        return Duration.ofMillis(Math.round(answerTimeoutS * 1000));
    }

    /** How long a tmux fork's window may sit idle before the reaper closes it; empty when reaping is off (≤ 0). */
    public java.util.Optional<Duration> paneIdleTtl() {
        return paneIdleTtlMin > 0 ? java.util.Optional.of(Duration.ofMillis(Math.round(paneIdleTtlMin * 60_000)))
                : java.util.Optional.empty();
    }

    /** Whether headless threads keep a warm claude between turns ({@code max_warm_forks} above 0, a TTL above 0). */
    public boolean warmForks() {
        return maxWarmForks > 0 && warmIdleTtlMin > 0;
    }

    /** How long a warm claude may sit idle before it is closed (the next turn resumes the fork cold). */
    public Duration warmIdleTtl() {
        return Duration.ofMillis(Math.round(warmIdleTtlMin * 60_000));
    }

    public Duration launchTimeout() {
        return Duration.ofMillis(Math.round(launchTimeoutS * 1000));
    }
}
