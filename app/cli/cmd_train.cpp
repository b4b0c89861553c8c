#include "cli_common.h"

#include "error.h"
#include "run_directory.h"
#include "trainer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>
#include <unistd.h>
#include <vector>

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

// --nproc: the local launcher. It starts N copies of this very command line (without
// --nproc) with torchrun's variables set, on 127.0.0.1 and a free port, and waits for them.
std::vector<pid_t> g_ranks;

void forwardInterrupt(int)
{
    for (pid_t pid : g_ranks)
        if (pid > 0)
            kill(pid, SIGINT);
}

std::vector<std::string> ownCommandLine()
{
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::vector<std::string> args;
    std::string arg;
    while (std::getline(in, arg, '\0'))
        args.push_back(arg);
    return args;
}

int freeLoopbackPort()
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0
        || getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) != 0) {
        if (fd >= 0)
            close(fd);
        throw tb::Error("train --nproc: cannot find a free TCP port on 127.0.0.1");
    }
    const int port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

std::string exitText(int status)
{
    if (WIFEXITED(status))
        return "exit code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return std::string("signal ") + strsignal(WTERMSIG(status));
    return "status " + std::to_string(status);
}

// Returns when every rank has ended; throws when one failed (the others are stopped).
void launchLocalRanks(int nproc)
{
    if (std::getenv("WORLD_SIZE") && std::string(std::getenv("WORLD_SIZE")) != "1")
        throw tb::Error("train: --nproc starts its own ranks; it cannot run inside a job that already sets WORLD_SIZE");
    std::vector<std::string> args;
    const std::vector<std::string> own = ownCommandLine();
    for (size_t i = 0; i < own.size(); ++i) {
        if (own[i] == "--nproc") {
            ++i;
            continue;
        }
        if (own[i].rfind("--nproc=", 0) == 0)
            continue;
        args.push_back(own[i]);
    }
    const std::string port = std::to_string(freeLoopbackPort());
    std::signal(SIGINT, forwardInterrupt);
    g_ranks.assign(size_t(nproc), -1);
    for (int rank = 0; rank < nproc; ++rank) {
        const pid_t pid = fork();
        if (pid < 0)
            throw tb::Error("train --nproc: cannot start rank " + std::to_string(rank));
        if (pid == 0) {
            setenv("MASTER_ADDR", "127.0.0.1", 1);
            setenv("MASTER_PORT", port.c_str(), 1);
            setenv("RANK", std::to_string(rank).c_str(), 1);
            setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
            setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
            setenv("LOCAL_WORLD_SIZE", std::to_string(nproc).c_str(), 1);
            std::vector<char *> argv;
            for (auto &a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            execv("/proc/self/exe", argv.data());
            std::perror("train --nproc: exec");
            _exit(127);
        }
        g_ranks[size_t(rank)] = pid;
    }
    std::string failure;
    for (int running = nproc; running > 0;) {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0)
            break;
        --running;
        for (size_t r = 0; r < g_ranks.size(); ++r) {
            if (g_ranks[r] != pid)
                continue;
            g_ranks[r] = -1;
            if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && failure.empty()) {
                failure = "rank " + std::to_string(r) + " failed (" + exitText(status) + ")";
                // The others would stop on their own within dist_timeout_s; stop them now.
                for (pid_t other : g_ranks)
                    if (other > 0)
                        kill(other, SIGTERM);
            }
        }
    }
    std::signal(SIGINT, SIG_DFL);
    if (!failure.empty())
        throw tb::Error("train --nproc " + std::to_string(nproc) + ": " + failure + "; the other ranks were stopped");
}

} // namespace

void addTrainCommand(CLI::App &app, const CommonOptions &common)
{
    auto *cmd = app.add_subcommand("train", "Train or fine-tune from a TOML or JSON config");
    struct Args {
        std::string config, resume;
        std::vector<std::string> sets;
        bool json = false;
        int nproc = 1;
    };
    auto args = std::make_shared<Args>();
    cmd->add_option("CONFIG", args->config, "Training config (.toml or .json)");
    cmd->add_option("--set", args->sets, "Override an option: key=value (repeatable)");
    cmd->add_option("--resume", args->resume, "Continue the run in this folder from its last checkpoint");
    cmd->add_flag("--json", args->json, "One JSON object per event on stdout");
    cmd->add_option("--nproc", args->nproc,
                    "Data-parallel training with N local processes (127.0.0.1, a free port); "
                    "under torchrun or srun set RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT instead")
        ->check(CLI::Range(1, 1024));
    cmd->callback([args, &common] {
        if (args->config.empty() == args->resume.empty())
            throw tb::Error("train: give a CONFIG file, or --resume RUN_DIR");
        if (args->nproc > 1) {
            launchLocalRanks(args->nproc);
            return;
        }
        // Data parallel: ranks other than 0 print nothing but their errors.
        const char *rankVariable = std::getenv("RANK");
        const bool mainRank = !rankVariable || std::string(rankVariable) == "0";
        tb::TrainControl control;
        g_control = &control;
        std::signal(SIGINT, onInterrupt);
        const bool tty = isatty(STDERR_FILENO);
        auto callback = [&](const tb::TrainEvent &e) {
            if (args->json) {
                std::cout << tb::eventLine(e) << std::endl;
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
        if (!args->json && mainRank)
            std::fprintf(stderr, "%s after %lld steps; last checkpoint %s%s%s; peak RSS %lld MiB (estimate %lld MiB)\n",
                         result.status.c_str(), static_cast<long long>(result.steps), result.lastCheckpoint.c_str(),
                         result.bestCheckpoint.empty() ? "" : "; best ", result.bestCheckpoint.c_str(),
                         result.peakRssBytes / (1 << 20), result.estimatedBytes / (1 << 20));
    });
}
