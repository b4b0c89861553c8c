#include "cli_common.h"

#include "error.h"
#include "trainer.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace {

tb::TrainControl *g_control = nullptr;

// Ctrl+C stops at the next step boundary and saves a checkpoint to resume from.
void onInterrupt(int)
{
    if (g_control)
        g_control->stop = true;
}

std::string duration(double seconds)
{
    const long s = long(std::lround(seconds));
    char text[32];
    if (s >= 3600)
        std::snprintf(text, sizeof text, "%ldh%02ldm", s / 3600, (s / 60) % 60);
    else
        std::snprintf(text, sizeof text, "%ldm%02lds", s / 60, s % 60);
    return text;
}

nlohmann::ordered_json eventJson(const tb::TrainEvent &e)
{
    nlohmann::ordered_json j;
    switch (e.kind) {
    case tb::TrainEvent::Kind::Step:
        j = {{"event", "step"}, {"step", e.step}, {"total_steps", e.totalSteps}, {"epoch", e.epoch},
             {"loss", e.loss}, {"lr", e.learningRate}, {"grad_norm", e.gradNorm},
             {"tokens_per_s", e.tokensPerSecond}, {"elapsed_s", e.elapsedSeconds}, {"eta_s", e.etaSeconds},
             {"rss_mb", double(e.rssBytes) / (1024.0 * 1024.0)}};
        break;
    case tb::TrainEvent::Kind::Eval:
        j = {{"event", "eval"}, {"step", e.step}};
        for (const auto &[k, v] : e.metrics)
            j[k] = v;
        j["elapsed_s"] = e.elapsedSeconds;
        if (e.best)
            j["best"] = true;
        if (e.final)
            j["final"] = true;
        break;
    case tb::TrainEvent::Kind::Checkpoint:
        j = {{"event", "checkpoint"}, {"step", e.step}, {"path", e.message}};
        break;
    case tb::TrainEvent::Kind::Log:
        j = {{"event", "log"}, {"step", e.step}, {"message", e.message}};
        break;
    }
    return j;
}

} // namespace

void addTrainCommand(CLI::App &app, const CommonOptions &common)
{
    auto *cmd = app.add_subcommand("train", "Train or fine-tune from a TOML or JSON config");
    struct Args {
        std::string config, resume;
        std::vector<std::string> sets;
        bool json = false;
    };
    auto args = std::make_shared<Args>();
    cmd->add_option("CONFIG", args->config, "Training config (.toml or .json)");
    cmd->add_option("--set", args->sets, "Override an option: key=value (repeatable)");
    cmd->add_option("--resume", args->resume, "Continue the run in this folder from its last checkpoint");
    cmd->add_flag("--json", args->json, "One JSON object per event on stdout");
    cmd->callback([args, &common] {
        if (args->config.empty() == args->resume.empty())
            throw tb::Error("train: give a CONFIG file, or --resume RUN_DIR");
        tb::TrainControl control;
        g_control = &control;
        std::signal(SIGINT, onInterrupt);
        const bool tty = isatty(STDERR_FILENO);
        auto callback = [&](const tb::TrainEvent &e) {
            if (args->json) {
                std::cout << eventJson(e).dump() << std::endl;
                return;
            }
            if (e.kind == tb::TrainEvent::Kind::Step && tty) {
                const int width = 30;
                const int filled = int(double(width) * double(e.step) / double(std::max<int64_t>(1, e.totalSteps)));
                std::fprintf(stderr, "\r[%s%s] %lld/%lld loss %.4f lr %.2e %.0f tok/s ETA %s   ",
                             std::string(size_t(filled), '#').c_str(), std::string(size_t(width - filled), ' ').c_str(),
                             static_cast<long long>(e.step), static_cast<long long>(e.totalSteps), e.loss,
                             e.learningRate, e.tokensPerSecond, duration(e.etaSeconds).c_str());
            } else if (e.kind == tb::TrainEvent::Kind::Step && e.step % 50 == 0) {
                std::fprintf(stderr, "step %lld/%lld loss %.4f lr %.2e %.0f tok/s ETA %s\n",
                             static_cast<long long>(e.step), static_cast<long long>(e.totalSteps), e.loss,
                             e.learningRate, e.tokensPerSecond, duration(e.etaSeconds).c_str());
            } else if (e.kind == tb::TrainEvent::Kind::Eval) {
                std::string values;
                for (const auto &[key, value] : e.metrics) {
                    char text[64];
                    std::snprintf(text, sizeof text, " %s %.4g", key.c_str(), value);
                    values += text;
                }
                std::fprintf(stderr, "%sstep %lld:%s%s%s\n", tty ? "\n" : "", static_cast<long long>(e.step),
                             values.c_str(), e.best ? " (best so far)" : "",
                             e.final ? " (final, whole validation split)" : "");
            } else if (e.kind == tb::TrainEvent::Kind::Log) {
                std::fprintf(stderr, "%s\n", e.message.c_str());
            }
        };
        tb::TrainResult result;
        if (!args->resume.empty()) {
            result = tb::resumeTraining(args->resume, callback, &control, args->sets);
        } else {
            tb::TrainConfig config = tb::loadTrainConfig(args->config, args->sets);
            if (common.threads > 0)
                config.threads = common.threads;
            result = tb::runTraining(config, callback, &control);
        }
        g_control = nullptr;
        if (!args->json)
            std::fprintf(stderr, "%s after %lld steps; last checkpoint %s%s%s; peak RSS %lld MiB (estimate %lld MiB)\n",
                         result.status.c_str(), static_cast<long long>(result.steps), result.lastCheckpoint.c_str(),
                         result.bestCheckpoint.empty() ? "" : "; best ", result.bestCheckpoint.c_str(),
                         result.peakRssBytes / (1 << 20), result.estimatedBytes / (1 << 20));
    });
}
