#include "run_safety_support.h"

#include "test_support.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>

#include <sys/statvfs.h>
#include <unistd.h>

namespace tbtest {

QStringList SafetyRun::errLines() const
{
    return err.split('\n', Qt::SkipEmptyParts);
}

SafetyRun safetyCli(const QStringList &args, const QMap<QString, QString> &env, int timeoutMs, const QString &cwd)
{
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (auto it = env.begin(); it != env.end(); ++it)
        e.insert(it.key(), it.value());
    p.setProcessEnvironment(e);
    if (!cwd.isEmpty())
        p.setWorkingDirectory(cwd);
    p.start(buildDir() + "/app/tunebench-cli", args);
    SafetyRun r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(10000);
        r.timedOut = true;
    }
    r.killed = p.exitStatus() != QProcess::NormalExit;
    r.exitCode = r.killed ? -1 : p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

void safetyWrite(const QString &path, const QByteArray &content)
{
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(content);
}

QByteArray safetyRead(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QJsonObject safetyJson(const QString &path)
{
    return QJsonDocument::fromJson(safetyRead(path)).object();
}

QList<QJsonObject> safetyMetrics(const QString &path, int *torn)
{
    QList<QJsonObject> events;
    int bad = 0;
    const QByteArray data = safetyRead(path);
    if (!data.isEmpty() && !data.endsWith('\n'))
        ++bad; // ends inside a line
    for (const QByteArray &line : data.split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            ++bad;
        else
            events << doc.object();
    }
    if (torn)
        *torn = bad;
    return events;
}

bool safetyCorpus(const QString &path, int bytes)
{
    const QString source = sharedFile("data/tinyshakespeare.txt");
    if (source.isEmpty())
        return false;
    QFile in(source);
    if (!in.open(QIODevice::ReadOnly))
        return false;
    safetyWrite(path, in.read(bytes));
    return true;
}

QByteArray safetyChatJsonl(int rows)
{
    static const char *questions[] = {"what is the capital of %1", "how many legs has a %1", "spell the word %1",
                                      "what colour is a %1", "say hello to %1"};
    static const char *answers[] = {"the capital is %1 city", "a %1 has four legs", "it is spelled %1",
                                    "a %1 is mostly green", "hello, %1!"};
    static const char *words[] = {"paris", "cat", "table", "frog", "anna", "rome", "dog", "chair", "leaf", "omar"};
    QByteArray out;
    for (int i = 0; i < rows; ++i) {
        const int k = i % 5;
        const QString word = words[(i * 7 + i / 5) % 10];
        QJsonObject user{{"role", "user"}, {"content", QString(questions[k]).arg(word)}};
        QJsonObject assistant{{"role", "assistant"}, {"content", QString(answers[k]).arg(word)}};
        QJsonObject row{{"messages", QJsonArray{user, assistant}}};
        out += QJsonDocument(row).toJson(QJsonDocument::Compact) + "\n";
    }
    return out;
}

void safetyModelFolder(const QString &dir, int hidden, int layers, char fill)
{
    QDir().mkpath(dir);
    const int vocab = 512, heads = 8, inter = hidden * 11 / 4;
    QJsonObject config{{"architectures", QJsonArray{"LlamaForCausalLM"}},
                       {"model_type", "llama"},
                       {"hidden_size", hidden},
                       {"intermediate_size", inter},
                       {"num_attention_heads", heads},
                       {"num_key_value_heads", heads},
                       {"num_hidden_layers", layers},
                       {"vocab_size", vocab},
                       {"max_position_embeddings", 128},
                       {"rms_norm_eps", 1e-5},
                       {"rope_theta", 10000.0},
                       {"tie_word_embeddings", false},
                       {"bos_token_id", 1},
                       {"eos_token_id", 2},
                       {"torch_dtype", "float32"}};
    safetyWrite(dir + "/config.json", QJsonDocument(config).toJson());
    QList<QPair<QString, QList<qint64>>> tensors;
    tensors.append({"model.embed_tokens.weight", {vocab, hidden}});
    for (int l = 0; l < layers; ++l) {
        const QString p = QString("model.layers.%1.").arg(l);
        tensors.append({p + "input_layernorm.weight", {hidden}});
        tensors.append({p + "post_attention_layernorm.weight", {hidden}});
        for (const char *proj : {"q_proj", "k_proj", "v_proj", "o_proj"})
            tensors.append({p + "self_attn." + proj + ".weight", {hidden, hidden}});
        tensors.append({p + "mlp.gate_proj.weight", {inter, hidden}});
        tensors.append({p + "mlp.up_proj.weight", {inter, hidden}});
        tensors.append({p + "mlp.down_proj.weight", {hidden, inter}});
    }
    tensors.append({"model.norm.weight", {hidden}});
    tensors.append({"lm_head.weight", {vocab, hidden}});
    QJsonObject header;
    qint64 offset = 0;
    for (const auto &[name, shape] : tensors) {
        qint64 n = 4;
        QJsonArray dims;
        for (qint64 d : shape) {
            n *= d;
            dims.append(double(d));
        }
        header[name] = QJsonObject{{"dtype", "F32"}, {"shape", dims}, {"data_offsets", QJsonArray{double(offset), double(offset + n)}}};
        offset += n;
    }
    QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    while (json.size() % 8)
        json += ' ';
    QFile f(dir + "/model.safetensors");
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return;
    const quint64 size = quint64(json.size());
    f.write(reinterpret_cast<const char *>(&size), 8); // little-endian on every machine this runs on
    f.write(json);
    const QByteArray chunk(1 << 20, fill);
    for (qint64 left = offset; left > 0; left -= chunk.size())
        f.write(chunk.constData(), std::min<qint64>(left, chunk.size()));
}

QStringList safetyFilesNamed(const QString &dir, const QString &part)
{
    QStringList found;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (it.fileName().contains(part))
            found << path;
    }
    return found;
}

SafetyTmpfs::SafetyTmpfs(qint64 bytes)
{
    static std::vector<std::unique_ptr<QTemporaryDir>> mountPoints;
    mountPoints.push_back(std::make_unique<QTemporaryDir>());
    m_path = mountPoints.back()->path();
    if (::geteuid() != 0) {
        m_why = "mounting a tmpfs needs root";
        return;
    }
    QProcess mount;
    mount.start("mount", {"-t", "tmpfs", "-o", QString("size=%1").arg(bytes), "tmpfs", m_path});
    mount.waitForFinished(20000);
    m_mounted = mount.exitStatus() == QProcess::NormalExit && mount.exitCode() == 0;
    if (!m_mounted)
        m_why = "mount -t tmpfs failed: " + QString::fromUtf8(mount.readAllStandardError()).trimmed();
}

SafetyTmpfs::~SafetyTmpfs()
{
    if (!m_mounted)
        return;
    QProcess umount;
    umount.start("umount", {"-l", m_path});
    umount.waitForFinished(20000);
}

qint64 SafetyTmpfs::freeBytes() const
{
    struct statvfs st {};
    if (::statvfs(m_path.toLocal8Bit().constData(), &st) != 0)
        return -1;
    return qint64(st.f_bavail) * qint64(st.f_frsize);
}

void SafetyTmpfs::fillLeaving(qint64 leave, const QString &filler)
{
    QFile f(filler);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Append))
        return;
    const QByteArray page(4096, 'x');
    while (freeBytes() > leave) {
        if (f.write(page) != page.size() || !f.flush())
            break;
    }
}

} // namespace tbtest
