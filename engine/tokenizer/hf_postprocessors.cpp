#include "hf_postprocessors.h"

#include "error.h"

#include <nlohmann/json.hpp>

namespace tb::hf {

namespace {

using json = nlohmann::json;

class TemplateProcessing : public PostProcessor {
public:
    explicit TemplateProcessing(const json &config)
    {
        const json &specials = config.value("special_tokens", json::object());
        for (const json &item : config.at("single")) {
            if (item.contains("Sequence")) {
                m_items.push_back({true, {}});
                continue;
            }
            const std::string name = item.at("SpecialToken").at("id").get<std::string>();
            if (!specials.contains(name))
                throw Error("TemplateProcessing uses special token '" + name + "', which its special_tokens lack");
            Item special{false, {}};
            for (const json &id : specials.at(name).at("ids"))
                special.ids.push_back(id.get<int32_t>());
            m_items.push_back(std::move(special));
        }
    }
    void process(std::vector<EncodedToken> &tokens) const override
    {
        std::vector<EncodedToken> out;
        out.reserve(tokens.size() + m_items.size());
        for (const Item &item : m_items) {
            if (item.sequence) {
                out.insert(out.end(), tokens.begin(), tokens.end());
                continue;
            }
            for (int32_t id : item.ids)
                out.push_back({id, 0, 0});
        }
        tokens = std::move(out);
    }

private:
    struct Item {
        bool sequence;
        std::vector<int32_t> ids;
    };
    std::vector<Item> m_items;
};

// RobertaProcessing and BertProcessing: cls, the sequence, sep.
class WrapProcessing : public PostProcessor {
public:
    explicit WrapProcessing(const json &config)
        : m_cls(config.at("cls").at(1).get<int32_t>()), m_sep(config.at("sep").at(1).get<int32_t>())
    {
    }
    void process(std::vector<EncodedToken> &tokens) const override
    {
        tokens.insert(tokens.begin(), EncodedToken{m_cls, 0, 0});
        tokens.push_back({m_sep, 0, 0});
    }

private:
    int32_t m_cls, m_sep;
};

// ByteLevel only trims offsets, which this pipeline does not report.
class NoChange : public PostProcessor {
public:
    void process(std::vector<EncodedToken> &) const override {}
};

class SequenceProcessor : public PostProcessor {
public:
    explicit SequenceProcessor(std::vector<std::unique_ptr<PostProcessor>> parts) : m_parts(std::move(parts)) {}
    void process(std::vector<EncodedToken> &tokens) const override
    {
        for (const auto &part : m_parts)
            part->process(tokens);
    }

private:
    std::vector<std::unique_ptr<PostProcessor>> m_parts;
};

} // namespace

std::unique_ptr<PostProcessor> makePostProcessor(const json &config)
{
    if (config.is_null())
        return nullptr;
    const std::string type = config.at("type").get<std::string>();
    if (type == "TemplateProcessing")
        return std::make_unique<TemplateProcessing>(config);
    if (type == "RobertaProcessing" || type == "BertProcessing")
        return std::make_unique<WrapProcessing>(config);
    if (type == "ByteLevel")
        return std::make_unique<NoChange>();
    if (type == "Sequence") {
        std::vector<std::unique_ptr<PostProcessor>> parts;
        for (const json &part : config.at("processors"))
            if (auto p = makePostProcessor(part))
                parts.push_back(std::move(p));
        return std::make_unique<SequenceProcessor>(std::move(parts));
    }
    throw Error("post-processor type '" + type + "' is not supported");
}

} // namespace tb::hf
