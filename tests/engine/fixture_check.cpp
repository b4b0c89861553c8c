#include "fixture_check.h"

#include <QFile>

namespace tbtest {

FixtureExpectation loadExpectation(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot open " + path.toStdString());
    const auto j = nlohmann::json::parse(f.readAll().toStdString());
    FixtureExpectation e;
    auto ids = j["input_ids"].get<std::vector<std::vector<int64_t>>>();
    std::vector<int64_t> flat;
    for (auto &row : ids)
        flat.insert(flat.end(), row.begin(), row.end());
    e.inputIds = torch::tensor(flat, torch::kLong).view({int64_t(ids.size()), int64_t(ids[0].size())});
    auto logits = j["logits"].get<std::vector<std::vector<std::vector<float>>>>();
    std::vector<float> lf;
    for (auto &a : logits)
        for (auto &b : a)
            lf.insert(lf.end(), b.begin(), b.end());
    e.logits = torch::tensor(lf).view({int64_t(logits.size()), int64_t(logits[0].size()), int64_t(logits[0][0].size())});
    auto targets = j["targets"].get<std::vector<std::vector<int64_t>>>();
    std::vector<int64_t> tf;
    for (auto &row : targets)
        tf.insert(tf.end(), row.begin(), row.end());
    e.targets = torch::tensor(tf, torch::kLong).view(e.inputIds.sizes());
    e.meanCrossEntropy = j["mean_cross_entropy"].get<double>();
    e.gradNorm = j["grad_global_l2_norm"].get<double>();
    e.promptIds = j["greedy"]["prompt_ids"].get<std::vector<int64_t>>();
    e.newTokens = j["greedy"]["new_tokens"].get<int64_t>();
    e.greedyIds = j["greedy"]["expected_ids"].get<std::vector<int64_t>>();
    return e;
}

std::vector<int64_t> greedyDecode(tb::LlamaModel &model, const std::vector<int64_t> &prompt, int64_t newTokens,
                                  bool useCache)
{
    torch::NoGradGuard noGrad;
    std::vector<int64_t> seq = prompt, out;
    if (!useCache) {
        for (int64_t i = 0; i < newTokens; ++i) {
            auto logits = model->forward(torch::tensor(seq, torch::kLong).unsqueeze(0)); // (1, T, V)
            const int64_t next = logits[0][-1].argmax().item<int64_t>();
            seq.push_back(next);
            out.push_back(next);
        }
        return out;
    }
    tb::KvCache cache = model->makeCache(1, int64_t(prompt.size()) + newTokens);
    tb::ForwardOptions options;
    options.cache = &cache;
    auto logits = model->forward(torch::tensor(prompt, torch::kLong).unsqueeze(0), options);
    for (int64_t i = 0; i < newTokens; ++i) {
        const int64_t next = logits[0][-1].argmax().item<int64_t>();
        out.push_back(next);
        logits = model->forward(torch::full({1, 1}, next, torch::kLong), options);
    }
    return out;
}

static QString idsText(const std::vector<int64_t> &ids)
{
    QStringList parts;
    for (auto id : ids)
        parts << QString::number(id);
    return parts.join(QLatin1Char(','));
}

QString checkAgainstFixture(tb::LlamaModel &model, const FixtureExpectation &e)
{
    model->eval();
    {
        torch::NoGradGuard noGrad;
        auto logits = model->forward(e.inputIds);
        const double diff = (logits - e.logits).abs().max().item<double>();
        if (!(diff <= 1e-4))
            return QStringLiteral("logits differ by %1 (tolerance 1e-4)").arg(diff);
    }
    model->train();
    model->zero_grad();
    auto logits = model->forward(e.inputIds);
    auto loss = torch::nn::functional::cross_entropy(
        logits.view({-1, logits.size(-1)}), e.targets.view({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-1));
    const double lossValue = loss.item<double>();
    if (!(std::abs(lossValue - e.meanCrossEntropy) <= 1e-4))
        return QStringLiteral("loss %1, expected %2 (tolerance 1e-4)").arg(lossValue).arg(e.meanCrossEntropy);
    loss.backward();
    double sq = 0.0;
    for (const auto &p : model->parameters())
        if (p.grad().defined())
            sq += p.grad().to(torch::kDouble).pow(2).sum().item<double>();
    const double norm = std::sqrt(sq);
    model->zero_grad();
    model->eval();
    if (!(std::abs(norm - e.gradNorm) <= 1e-3 * e.gradNorm))
        return QStringLiteral("gradient norm %1, expected %2 (tolerance 1e-3 relative)").arg(norm).arg(e.gradNorm);
    for (bool useCache : {false, true}) {
        auto ids = greedyDecode(model, e.promptIds, e.newTokens, useCache);
        if (ids != e.greedyIds)
            return QStringLiteral("greedy ids %1 %2, expected %3")
                .arg(useCache ? QStringLiteral("(KV cache)") : QStringLiteral("(no cache)"), idsText(ids),
                     idsText(e.greedyIds));
    }
    return {};
}

} // namespace tbtest
