#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace tb {

// What a run reports while it trains. Step and Eval events are also the lines of the run's
// metrics.jsonl (run_directory.h writes and reads them), so a window that follows a run
// from another process sees the same events as one that runs it in-process.
struct TrainEvent {
    enum class Kind { Log, Step, Eval, Checkpoint };
    Kind kind = Kind::Log;
    int64_t step = 0;  // optimizer steps done
    int64_t totalSteps = 0;
    int64_t epoch = 0;
    double loss = 0.0; // mean over the step's trained tokens
    double learningRate = 0.0;
    double gradNorm = 0.0; // before clipping
    double tokensPerSecond = 0.0;
    double elapsedSeconds = 0.0;
    double etaSeconds = 0.0;
    long long rssBytes = 0;            // memory in use now (Step)
    // Eval: val_loss, val_ppl, val_token_acc (LM) or accuracy, macro_f1, … (classification),
    // check_pass_rate and checks_s with dialogue checks, eval_s.
    std::map<std::string, double> metrics;
    bool best = false;                 // Eval: the best value of the early-stopping metric so far
    bool final = false;                    // the run's last evaluation
    std::string message;                   // Log and Checkpoint: what happened
};

// Called on the training thread; keep it short (queue to a GUI, print to a terminal).
using TrainCallback = std::function<void(const TrainEvent &)>;

} // namespace tb
