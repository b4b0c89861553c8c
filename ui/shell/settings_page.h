#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QSpinBox;

// The Settings tab: the compute device (what this LibTorch build offers), the compute threads,
// and the UI language. Every change is saved at once in QSettings (app_settings.h); device and
// threads apply to the next job a worker starts, the language at the next start.
class SettingsPage : public QWidget {
    Q_OBJECT

public:
    explicit SettingsPage(QWidget *parent = nullptr);

Q_SIGNALS:
    void settingsChanged();

private:
    QComboBox *m_device = nullptr;
    QSpinBox *m_threads = nullptr;
    QComboBox *m_language = nullptr;
};
