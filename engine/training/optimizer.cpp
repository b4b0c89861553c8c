#include "optimizer.h"

#include "error.h"
#include "file_util.h"

namespace tb {

namespace {

// LibTorch's messages carry a backtrace after the first line.
std::string firstLine(const std::string &text)
{
    return text.substr(0, text.find('\n'));
}

std::string shapeText(at::IntArrayRef sizes)
{
    std::string text = "[";
    for (size_t i = 0; i < sizes.size(); ++i)
        text += (i ? ", " : "") + std::to_string(sizes[i]);
    return text + "]";
}

} // namespace

std::unique_ptr<torch::optim::AdamW> makeAdamW(const std::vector<torch::Tensor> &parameters, const TrainConfig &c)
{
    std::vector<torch::Tensor> decay, noDecay;
    for (const auto &p : parameters)
        if (p.requires_grad())
            (p.dim() >= 2 ? decay : noDecay).push_back(p);
    auto options = [&](double wd) {
        return std::make_unique<torch::optim::AdamWOptions>(
            torch::optim::AdamWOptions(c.learningRate).betas({c.beta1, c.beta2}).eps(c.adamEps).weight_decay(wd));
    };
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, options(c.weightDecay));
    groups.emplace_back(noDecay, options(0.0));
    return std::make_unique<torch::optim::AdamW>(groups, torch::optim::AdamWOptions(c.learningRate));
}

void saveOptimizerState(const torch::optim::AdamW &optimizer, const std::string &path)
{
    AtomicFileWriter out(path);
    std::string failure;
    try {
        torch::serialize::OutputArchive archive;
        optimizer.save(archive);
        // The writer reports every chunk as written: a short count makes LibTorch's zip
        // writer throw from its destructor ("unexpected pos"), which ends the process.
        // The failure is kept here and reported once the archive is closed.
        archive.save_to([&](const void *data, size_t bytes) -> size_t {
            if (failure.empty()) {
                try {
                    out.write(data, bytes);
                } catch (const Error &e) {
                    failure = e.what();
                }
            }
            return bytes;
        });
    } catch (const c10::Error &e) {
        throw Error(path + ": cannot write the optimizer state (" + firstLine(e.what()) + ")");
    }
    if (!failure.empty())
        throw Error(failure);
    out.commit();
}

void loadOptimizerState(torch::optim::AdamW &optimizer, const std::string &path)
{
    const std::string bytes = readTextFile(path); // a regular file, named in its errors
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(bytes.data(), bytes.size());
        optimizer.load(archive);
    } catch (const c10::Error &e) {
        throw Error(path + ": cannot read the optimizer state; the file is truncated, damaged or not one ("
                    + firstLine(e.what()) + ")");
    }
    // LibTorch matches the state to the parameters by position only: check the shapes.
    size_t index = 0;
    for (auto &group : optimizer.param_groups()) {
        for (const torch::Tensor &p : group.params()) {
            const auto found = optimizer.state().find(c10::guts::to_string(p.unsafeGetTensorImpl()));
            if (found != optimizer.state().end()) {
                const auto &state = static_cast<const torch::optim::AdamWParamState &>(*found->second);
                if (!state.exp_avg().defined() || state.exp_avg().sizes() != p.sizes()
                    || !state.exp_avg_sq().defined() || state.exp_avg_sq().sizes() != p.sizes())
                    throw Error(path + ": the optimizer state of parameter " + std::to_string(index) + " has shape "
                                + (state.exp_avg().defined() ? shapeText(state.exp_avg().sizes()) : std::string("none"))
                                + ", but the model's is " + shapeText(p.sizes())
                                + "; the state belongs to a model of another size");
            }
            ++index;
        }
    }
}

} // namespace tb
