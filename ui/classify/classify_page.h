#pragma once

#include <QStringList>
#include <QThread>
#include <QVariantList>
#include <QWidget>

class ClassifyWorker;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

// The Classify page: type an utterance and see the top intents with their probabilities;
// classify a labelled file and see the confusion matrix with the per-class figures.
class ClassifyPage : public QWidget {
    Q_OBJECT

public:
    explicit ClassifyPage(QWidget *parent = nullptr);
    ~ClassifyPage() override;

    void loadClassifier(const QString &path);
    void classifyText(const QString &text);
    void classifyFile(const QString &path);
    QTableWidget *intentTable() const { return m_intents; }
    QTableWidget *confusionTable() const { return m_confusion; }

Q_SIGNALS:
    void loadRequested(const QString &path);
    void textRequested(const QString &text);
    void fileRequested(const QString &path);
    void classifierLoaded();
    void textDone();
    void fileDone();
    void failed(const QString &message);

private:
    void showIntents(const QString &text, const QStringList &labels, const QVariantList &probabilities);
    void showConfusion(const QStringList &labels, const QVariantList &confusion, const QString &report,
                       double accuracy, double macroF1);

    QThread m_thread;
    ClassifyWorker *m_worker = nullptr;
    QLineEdit *m_model = nullptr;
    QLabel *m_status = nullptr;
    QLineEdit *m_text = nullptr;
    QTableWidget *m_intents = nullptr;
    QLineEdit *m_file = nullptr;
    QTableWidget *m_confusion = nullptr;
    QPlainTextEdit *m_report = nullptr;
};
