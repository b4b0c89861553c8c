#pragma once

#include "snapshot_ptr.h"
#include "train_events.h"

#include <QHash>
#include <QThread>
#include <QVariantMap>
#include <QWidget>

class DistributedRun;
class MetricPlot;
class QSpinBox;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class TrainWorker;

// The Train page: every option of the training engine in grouped forms (built from the
// engine's option table, with tooltips and presets), Start / Pause / Resume / Stop, live
// charts, a progress bar with ETA and memory in use, and the run's log. The run itself
// happens on a worker thread; this page only sends requests and draws what comes back.
class TrainPage : public QWidget {
    Q_OBJECT

public:
    explicit TrainPage(QWidget *parent = nullptr);
    ~TrainPage() override;

    // Presets: "lora", "full", "scratch", "classifier"; false (and a warning) for another name.
    bool applyPreset(const QString &name);
    // Sets one option by its config key; trainKey(&tb::TrainConfig::data) (engine_text.h)
    // names it from the field. Refused, with false and a warning in the log, for a key that
    // is not an option, a name a choice does not have, or a switch that is not true/false:
    // the form stays as it was. Other values are checked by the engine at start.
    bool setOption(const QString &key, const QString &value);
    QString option(const QString &key) const;
    // Fills the form from a training config file (TOML or JSON, paths relative to it), so
    // a project's config is one click away. False with `error` set when it does not parse.
    bool loadConfigFile(const QString &path, QString *error);
    // Every field as text, valid or not, so unsaved edits can survive a restart.
    QVariantMap formValues() const;
    // Values setOption refuses (an option a later version renamed) are skipped, with a warning.
    void setFormValues(const QVariantMap &values);
    // Where a run goes when run_dir is empty: <root>/<date-time> (the project's runs folder).
    void setRunsRoot(const QString &dir) { m_runsRoot = dir; }
    // The form as a config: validated by the engine; empty with `error` set when invalid.
    QString configJson(QString *error) const;
    bool isRunning() const { return m_running; }
    // Data-parallel ranks on this machine; 1 trains in this program's worker thread.
    void setProcesses(int processes);
    MetricPlot *lossPlot() const { return m_loss; }
    MetricPlot *evalPlot() const { return m_eval; }

public Q_SLOTS:
    bool start(); // false (and the reason shown) when the form is invalid
    void togglePause();
    void stop();
    void chatWithRun();
    // Continues the run in `runDir` from its last checkpoint.
    bool resumeRun(const QString &runDir);

Q_SIGNALS:
    void startRequested(const QString &configJson);
    void resumeRequested(const QString &runDir);
    void runFinished(const QString &status, const QString &runDir);
    void runFailed(const QString &message);
    // A copy of the weights of the run in progress, for the chat.
    void snapshotReady(const SnapshotPtr &snapshot);
    // "Chat with this run" after the run ended: the chat opens its saved weights.
    void finishedRunChatRequested(const QString &runDir);

private:
    QWidget *buildOptions();
    QWidget *buildMonitor();
    void onStep(const TrainStepReport &report);
    void onEval(const TrainEvalReport &report);
    void onFinished(const TrainEndReport &report);
    void onFailed(const QString &message);
    void setRunning(bool running);
    void appendLog(const QString &line);

    QThread m_thread;
    TrainWorker *m_worker = nullptr; // lives on m_thread
    DistributedRun *m_distributed = nullptr; // runs with several processes
    bool m_multiProcess = false; // the run in progress is a DistributedRun
    QSpinBox *m_processes = nullptr;
    QString m_runsRoot = QStringLiteral("runs");
    bool m_running = false;
    bool m_paused = false;
    double m_smoothed = 0.0;
    double m_smoothWeight = 0.0;

    QHash<QString, QWidget *> m_fields; // option key -> its editor
    QComboBox *m_preset = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_pause = nullptr;
    QPushButton *m_stop = nullptr;
    QPushButton *m_chatRun = nullptr;
    SnapshotPtr m_lastSnapshot;
    QString m_lastRunDir; // the run that ended last, for "Chat with this run" afterwards
    QLabel *m_formError = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_eta = nullptr;
    QLabel *m_memory = nullptr;
    MetricPlot *m_loss = nullptr;
    MetricPlot *m_lr = nullptr;
    MetricPlot *m_gradNorm = nullptr;
    MetricPlot *m_speed = nullptr;
    MetricPlot *m_eval = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QHash<QString, int> m_evalSeries; // metric -> series of m_eval
};
