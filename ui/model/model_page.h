#pragma once

#include "snapshot_ptr.h"

#include <QThread>
#include <QVariantMap>
#include <QWidget>

class ModelWorker;
class ScratchWorker;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableWidget;

namespace tb {
struct ModelConfig;
}

// The Model page, in three tabs:
//  - Import: a Hugging Face folder, a GGUF or a llama2.c file, with a tokenizer override,
//    a progress bar and Cancel, and the model card (special tokens and the chat template
//    rendered for a two-turn example).
//  - New from scratch: the engine's size presets (and custom dims) with their parameter
//    count, training memory estimate and time per step from a measured matmul rate;
//    "Use for training" fills the Train page.
//  - Tokenizer: trains a SentencePiece tokenizer on the Data page's dataset.
// Loading runs on this page's ModelWorker thread (the page owns it); the probe and tokenizer
// training on its ScratchWorker thread. The window follows a load through the page's signals.
class ModelPage : public QWidget {
    Q_OBJECT

public:
    explicit ModelPage(QWidget *parent = nullptr);
    ~ModelPage() override;

    // Starts loading `path` (an HF folder, .gguf or llama2.c .bin); ignored while loading.
    void openModel(const QString &path);
    bool isLoading() const { return m_loading; }
    // The worker on its thread (tests hold a load in the middle through its signals).
    ModelWorker *worker() const { return m_worker; }
    QString cardHtml() const;
    QString loadStatus() const;

    // The dataset a tokenizer is trained on (the Data page's current file).
    void setDatasetPath(const QString &path);
    QString datasetPath() const { return m_datasetPath; }
    // The Train page's batch size and context: the estimates are for them.
    void setTrainingShape(int batchSize, int contextLength);
    // Float32 matmul FLOP/s measured on this machine (0 until the probe has run).
    double measuredFlopsPerSecond() const { return m_flopsPerSecond; }
    // The config the "Use for training" button describes (the selected row).
    tb::ModelConfig selectedConfig() const;
    // Selects the preset's row (or "custom").
    void selectPreset(const QString &name);
    // Fills the tokenizer form (trainTokenizer() then starts, as the Train button does).
    void setTokenizerForm(int vocabSize, const QString &modelType, const QString &outputPath);

public Q_SLOTS:
    void cancelLoad();
    void useForTraining();
    void trainTokenizer();
    void useTokenizerForTraining();

Q_SIGNALS:
    // To the worker.
    void loadRequested(const QString &path, const QString &tokenizerPath, bool bf16);
    void throughputRequested();
    void tokenizerRequested(const QString &datasetPath, const QString &outputPath, int vocabSize,
                            const QString &modelType);
    // To the window.
    void loadStarted(const QString &path, const QString &tokenizerPath);
    void loadFinished(bool loaded); // loaded, failed or cancelled: the page is idle again
    void loadProgress(const QString &tensor);
    void modelLoaded(bool hasTokenizer);
    void loadFailed(const QString &message);
    // After modelLoaded, for a model with a tokenizer: the model to chat with.
    void modelReady(const SnapshotPtr &model, const QString &label);
    // Train from scratch: `options` holds Train page keys (model = "", preset, vocab_size,
    // context_length, batch_size, the dims (0 = the preset's), tokenizer, tokenizer_type).
    void scratchChosen(const QString &preset, const QVariantMap &options);
    // A tokenizer trained here, for the Train page's `tokenizer` option.
    void tokenizerChosen(const QString &path);
    void throughputMeasured(double flopsPerSecond);
    void tokenizerTrained(const QString &path);
    void tokenizerFailed(const QString &message);

private:
    QWidget *buildImportTab();
    QWidget *buildScratchTab();
    QWidget *buildTokenizerTab();
    void setLoading(bool loading);
    void refreshPresetTable();
    void updateUseButton();
    tb::ModelConfig configForRow(int row, QString *error) const;
    void onTokenizerTrained(const QVariantMap &result);
    void onTokenizerFailed(const QString &message);
    void setTokenizerBusy(bool busy);

    QThread m_workerThread;
    ModelWorker *m_worker = nullptr; // lives on m_workerThread
    QThread m_scratchThread;
    ScratchWorker *m_scratch = nullptr; // lives on m_scratchThread
    bool m_loading = false;
    double m_flopsPerSecond = 0.0;
    QString m_datasetPath;
    QString m_chosenTokenizer;  // a tokenizer trained here and "used for training"
    QString m_trainedTokenizer; // the last one trained here
    qint64 m_trainedPieces = 0;
    bool m_outputPathEdited = false;

    QTabWidget *m_tabs = nullptr;
    // Import
    QPushButton *m_openFolder = nullptr;
    QPushButton *m_openFile = nullptr;
    QCheckBox *m_bf16 = nullptr;
    QLineEdit *m_tokenizerPath = nullptr;
    QPushButton *m_tokenizerBrowse = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    QLabel *m_loadStatus = nullptr;
    QLabel *m_modelCard = nullptr;
    // New from scratch
    QSpinBox *m_vocab = nullptr;
    QSpinBox *m_batch = nullptr;
    QSpinBox *m_context = nullptr;
    QLabel *m_throughput = nullptr;
    QTableWidget *m_presets = nullptr;
    QSpinBox *m_layers = nullptr;
    QSpinBox *m_hidden = nullptr;
    QSpinBox *m_heads = nullptr;
    QSpinBox *m_kvHeads = nullptr;
    QSpinBox *m_intermediate = nullptr;
    QLabel *m_scratchTokenizer = nullptr;
    QLabel *m_scratchError = nullptr;
    QPushButton *m_useScratch = nullptr;
    // Tokenizer
    QLabel *m_tokDataset = nullptr;
    QSpinBox *m_tokVocab = nullptr;
    QComboBox *m_tokType = nullptr;
    QLineEdit *m_tokOutput = nullptr;
    QPushButton *m_tokBrowse = nullptr;
    QPushButton *m_tokTrain = nullptr;
    QProgressBar *m_tokBusy = nullptr;
    QLabel *m_tokResult = nullptr;
    QPushButton *m_tokUse = nullptr;
};
