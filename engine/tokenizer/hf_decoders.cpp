#include "hf_decoders.h"

#include "error.h"
#include "hf_regex.h"
#include "hf_text.h"

#include <nlohmann/json.hpp>

namespace tb::hf {

namespace {

using json = nlohmann::json;

std::string joinTokens(const std::vector<std::string> &tokens)
{
    std::string out;
    for (const auto &t : tokens)
        out += t;
    return out;
}

class ByteLevelDecoder : public Decoder {
public:
    void decodeChain(std::vector<std::string> &tokens, bool raw) const override
    {
        std::string bytes;
        std::string mapped;
        for (const std::string &token : tokens) {
            // A token whose characters are all in the byte table becomes those bytes;
            // any other (an added token such as "<|im_start|>" in another alphabet) stays.
            mapped.clear();
            bool all = true;
            for (size_t pos = 0; pos < token.size() && all;) {
                const int b = byteLevelByte(nextCodePoint(token, pos));
                if (b < 0)
                    all = false;
                else
                    mapped += char(b);
            }
            bytes += all ? mapped : token;
        }
        tokens.assign(1, raw ? bytes : lossyUtf8(bytes));
    }
};

class ByteFallbackDecoder : public Decoder {
public:
    void decodeChain(std::vector<std::string> &tokens, bool raw) const override
    {
        std::vector<std::string> out;
        std::string pending;
        auto flush = [&] {
            if (pending.empty())
                return;
            if (raw || validUtf8Prefix(pending) == pending.size())
                out.push_back(pending);
            else
                for (size_t i = 0; i < pending.size(); ++i)
                    out.emplace_back("\xEF\xBF\xBD");
            pending.clear();
        };
        for (std::string &token : tokens) {
            int byte = -1;
            if (token.size() == 6 && token.compare(0, 3, "<0x") == 0 && token[5] == '>') {
                char *endp = nullptr;
                const std::string hex = token.substr(3, 2);
                const long v = std::strtol(hex.c_str(), &endp, 16);
                if (endp == hex.c_str() + 2)
                    byte = int(v);
            }
            if (byte >= 0) {
                pending += char(byte);
            } else {
                flush();
                out.push_back(std::move(token));
            }
        }
        flush();
        tokens = std::move(out);
    }
};

class FuseDecoder : public Decoder {
public:
    void decodeChain(std::vector<std::string> &tokens, bool) const override
    {
        tokens.assign(1, joinTokens(tokens));
    }
};

class StripDecoder : public Decoder {
public:
    StripDecoder(std::string content, int start, int stop) : m_content(std::move(content)), m_start(start), m_stop(stop) {}
    void decodeChain(std::vector<std::string> &tokens, bool) const override
    {
        for (std::string &token : tokens) {
            size_t b = 0, e = token.size();
            for (int i = 0; i < m_start && token.compare(b, m_content.size(), m_content) == 0 && b < e; ++i)
                b += m_content.size();
            for (int i = 0; i < m_stop && e >= b + m_content.size()
                            && token.compare(e - m_content.size(), m_content.size(), m_content) == 0;
                 ++i)
                e -= m_content.size();
            token = token.substr(b, e - b);
        }
    }

private:
    std::string m_content;
    int m_start, m_stop;
};

class ReplaceDecoder : public Decoder {
public:
    explicit ReplaceDecoder(const json &config)
    {
        const json &pattern = config.at("pattern");
        m_regex = std::make_unique<HfRegex>(pattern.contains("Regex") ? pattern.at("Regex").get<std::string>()
                                                                       : HfRegex::escape(pattern.at("String").get<std::string>()));
        m_content = config.at("content").get<std::string>();
    }
    void decodeChain(std::vector<std::string> &tokens, bool) const override
    {
        std::vector<std::pair<size_t, size_t>> matches;
        for (std::string &token : tokens) {
            m_regex->findAll(token, matches);
            if (matches.empty())
                continue;
            std::string out;
            size_t pos = 0;
            for (const auto &[b, e] : matches) {
                out.append(token, pos, b - pos);
                out += m_content;
                pos = e;
            }
            out.append(token, pos, std::string::npos);
            token = std::move(out);
        }
    }

private:
    std::unique_ptr<HfRegex> m_regex;
    std::string m_content;
};

class MetaspaceDecoder : public Decoder {
public:
    MetaspaceDecoder(std::string replacement, bool prepend) : m_replacement(std::move(replacement)), m_prepend(prepend) {}
    void decodeChain(std::vector<std::string> &tokens, bool) const override
    {
        for (size_t i = 0; i < tokens.size(); ++i) {
            std::string out;
            const std::string &token = tokens[i];
            for (size_t pos = 0; pos < token.size();) {
                if (token.compare(pos, m_replacement.size(), m_replacement) == 0) {
                    // The first token loses its prefix space (all of them, as the library does).
                    if (!(i == 0 && m_prepend))
                        out += ' ';
                    pos += m_replacement.size();
                } else {
                    out += token[pos++];
                }
            }
            tokens[i] = std::move(out);
        }
    }

private:
    std::string m_replacement;
    bool m_prepend;
};

class WordPieceDecoder : public Decoder {
public:
    WordPieceDecoder(std::string prefix, bool cleanup) : m_prefix(std::move(prefix)), m_cleanup(cleanup) {}
    void decodeChain(std::vector<std::string> &tokens, bool) const override
    {
        for (size_t i = 0; i < tokens.size(); ++i) {
            std::string &t = tokens[i];
            if (i > 0) {
                if (t.compare(0, m_prefix.size(), m_prefix) == 0)
                    t.erase(0, m_prefix.size());
                else
                    t.insert(0, " ");
            }
            if (m_cleanup)
                cleanup(t);
        }
    }

private:
    static void replaceAll(std::string &s, const std::string &from, const std::string &to)
    {
        for (size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
            s.replace(pos, from.size(), to);
    }
    static void cleanup(std::string &s)
    {
        replaceAll(s, " .", ".");
        replaceAll(s, " ?", "?");
        replaceAll(s, " !", "!");
        replaceAll(s, " ,", ",");
        replaceAll(s, " ' ", "'");
        replaceAll(s, " n't", "n't");
        replaceAll(s, " 'm", "'m");
        replaceAll(s, " do not", " don't");
        replaceAll(s, " 's", "'s");
        replaceAll(s, " 've", "'ve");
        replaceAll(s, " 're", "'re");
    }
    std::string m_prefix;
    bool m_cleanup;
};

class BpeDecoder : public Decoder {
public:
    explicit BpeDecoder(std::string suffix) : m_suffix(std::move(suffix)) {}
    void decodeChain(std::vector<std::string> &tokens, bool) const override
    {
        for (size_t i = 0; i < tokens.size(); ++i) {
            std::string &t = tokens[i];
            const std::string replacement = i + 1 == tokens.size() ? "" : " ";
            for (size_t pos = t.find(m_suffix); !m_suffix.empty() && pos != std::string::npos;
                 pos = t.find(m_suffix, pos + replacement.size()))
                t.replace(pos, m_suffix.size(), replacement);
        }
    }

private:
    std::string m_suffix;
};

class SequenceDecoder : public Decoder {
public:
    explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> parts) : m_parts(std::move(parts)) {}
    void decodeChain(std::vector<std::string> &tokens, bool raw) const override
    {
        for (const auto &part : m_parts)
            part->decodeChain(tokens, raw);
    }

private:
    std::vector<std::unique_ptr<Decoder>> m_parts;
};

} // namespace

std::unique_ptr<Decoder> makeDecoder(const json &config)
{
    if (config.is_null())
        return nullptr;
    const std::string type = config.at("type").get<std::string>();
    if (type == "ByteLevel")
        return std::make_unique<ByteLevelDecoder>();
    if (type == "ByteFallback")
        return std::make_unique<ByteFallbackDecoder>();
    if (type == "Fuse")
        return std::make_unique<FuseDecoder>();
    if (type == "Strip")
        return std::make_unique<StripDecoder>(config.at("content").get<std::string>(), config.value("start", 0),
                                              config.value("stop", 0));
    if (type == "Replace")
        return std::make_unique<ReplaceDecoder>(config);
    if (type == "Metaspace") {
        bool prepend = config.value("add_prefix_space", true);
        if (config.contains("prepend_scheme"))
            prepend = config.at("prepend_scheme").get<std::string>() != "never";
        return std::make_unique<MetaspaceDecoder>(config.value("replacement", std::string("\xE2\x96\x81")), prepend);
    }
    if (type == "WordPiece")
        return std::make_unique<WordPieceDecoder>(config.value("prefix", std::string("##")), config.value("cleanup", true));
    if (type == "BPEDecoder")
        return std::make_unique<BpeDecoder>(config.value("suffix", std::string("</w>")));
    if (type == "Sequence") {
        std::vector<std::unique_ptr<Decoder>> parts;
        for (const json &part : config.at("decoders"))
            if (auto d = makeDecoder(part))
                parts.push_back(std::move(d));
        return std::make_unique<SequenceDecoder>(std::move(parts));
    }
    throw Error("decoder type '" + type + "' is not supported");
}

} // namespace tb::hf
