#include "classify.h"

#include "error.h"
#include "mode_restorer.h"
#include "text_util.h"
#include "thread_guard.h"
#include "tokenizer.h"

namespace tb {

std::vector<int64_t> classificationIds(const Tokenizer &tokenizer, const std::string &text, int64_t contextLength)
{
    const int64_t bos = tokenizer.bosId(), eos = tokenizer.eosId();
    const int64_t extra = (bos >= 0 ? 1 : 0) + (eos >= 0 ? 1 : 0);
    if (contextLength <= extra)
        throw Error("classify: a context of " + std::to_string(contextLength) + " tokens leaves no room for text");
    std::vector<int64_t> body = tokenizer.encodePlain(text);
    if (int64_t(body.size()) > contextLength - extra)
        body.resize(size_t(contextLength - extra));
    std::vector<int64_t> ids;
    if (bos >= 0)
        ids.push_back(bos);
    ids.insert(ids.end(), body.begin(), body.end());
    if (eos >= 0)
        ids.push_back(eos);
    return ids;
}

std::vector<double> classify(SequenceClassifier &classifier, const Tokenizer &tokenizer, const std::string &text)
{
    requireBackgroundThread("tb::classify");
    checkPromptText(text, "classify");
    const std::vector<int64_t> ids = classificationIds(tokenizer, text, classifier->config().maxPositions);
    ModeRestorer mode(*classifier, false);
    c10::InferenceMode inference;
    const auto input = torch::tensor(ids, torch::kLong).unsqueeze(0); // (1, T)
    const auto last = torch::full({1}, int64_t(ids.size()) - 1, torch::kLong);
    const auto probs = torch::softmax(classifier->forward(input, last), -1).squeeze(0).to(torch::kDouble); // (N)
    return std::vector<double>(probs.data_ptr<double>(), probs.data_ptr<double>() + probs.numel());
}

} // namespace tb
