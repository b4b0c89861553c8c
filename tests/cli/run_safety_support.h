#pragma once

// Helpers of the run-safety tests (tst_run_safety_cli.cpp, tst_run_safety_small_cli.cpp,
// tst_kill_soak.cpp): tunebench-cli with an environment and a working directory, a real
// full disk (a small tmpfs), and files of a run as JSON.

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace tbtest {

struct SafetyRun {
    int exitCode = -1;     // -1 when killed by a signal or timed out
    bool killed = false;   // ended by a signal (SIGKILL from a crash point, or a timeout)
    bool timedOut = false;
    QString out, err;
    // The non-empty lines of stderr.
    QStringList errLines() const;
};

// Runs the built tunebench-cli with `args`; `env` adds variables (TUNEBENCH_CRASH_AT), `cwd`
// sets the working directory. A run over `timeoutMs` is killed and marked timedOut.
SafetyRun safetyCli(const QStringList &args, const QMap<QString, QString> &env = {}, int timeoutMs = 300000,
                    const QString &cwd = {});

void safetyWrite(const QString &path, const QByteArray &content);
QByteArray safetyRead(const QString &path);
QJsonObject safetyJson(const QString &path);

// The lines of a metrics.jsonl as JSON objects; `torn` counts the lines that do not parse.
QList<QJsonObject> safetyMetrics(const QString &path, int *torn = nullptr);

// A text corpus (the first `bytes` of tinyshakespeare) at `path`; false when the shared
// file is missing.
bool safetyCorpus(const QString &path, int bytes);

// `rows` short chat conversations (chat JSONL) with distinct wording.
QByteArray safetyChatJsonl(int rows);

// A Llama model with `hidden` x `layers` and weights that are all `fill` bytes, as a Hugging
// Face folder (config.json, model.safetensors), for exports long enough to interrupt.
void safetyModelFolder(const QString &dir, int hidden, int layers, char fill);

// Every file and folder under `dir` whose name holds `part` (".tmp", ".deleting").
QStringList safetyFilesNamed(const QString &dir, const QString &part);

// A small tmpfs mounted for the life of the object: a real disk that can be filled.
class SafetyTmpfs {
public:
    explicit SafetyTmpfs(qint64 bytes);
    ~SafetyTmpfs();
    SafetyTmpfs(const SafetyTmpfs &) = delete;
    SafetyTmpfs &operator=(const SafetyTmpfs &) = delete;
    bool mounted() const { return m_mounted; }
    const QString &path() const { return m_path; }
    QString why() const { return m_why; } // why it could not be mounted
    qint64 freeBytes() const;
    // Writes `filler` until at most `leave` bytes are free (tmpfs counts pages of 4 KiB).
    void fillLeaving(qint64 leave, const QString &filler);

private:
    QString m_path, m_why;
    bool m_mounted = false;
};

} // namespace tbtest
