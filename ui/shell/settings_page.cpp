#include "settings_page.h"

#include "app_settings.h"
#include "device.h"
#include "runtime.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

SettingsPage::SettingsPage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("settingsPage"));
    auto *layout = new QVBoxLayout(this);

    auto *compute = new QGroupBox(tr("Computation"));
    auto *computeForm = new QFormLayout(compute);
    m_device = new QComboBox;
    m_device->setObjectName(QStringLiteral("device"));
    m_device->addItem(tr("Automatic (a GPU if there is one, else the CPU)"), QStringLiteral("auto"));
    for (const std::string &name : tb::availableDevices()) {
        const QString id = QString::fromStdString(name);
        m_device->addItem(id == QLatin1String("cpu") ? tr("CPU") : id.toUpper(), id);
    }
    const int saved = m_device->findData(AppSettings::device());
    m_device->setCurrentIndex(saved < 0 ? 0 : saved);
    computeForm->addRow(tr("Device"), m_device);

    m_threads = new QSpinBox;
    m_threads->setObjectName(QStringLiteral("threads"));
    m_threads->setRange(0, qMax(256, tb::defaultThreadCount()));
    m_threads->setSpecialValueText(tr("One per core (%1)").arg(tb::defaultThreadCount()));
    m_threads->setValue(AppSettings::threads());
    computeForm->addRow(tr("Threads"), m_threads);
    auto *computeNote = new QLabel(tr("Used by the next model, chat or classifier that is loaded; a training run "
                                      "uses the threads of its own settings. Devices other than the CPU appear "
                                      "when this LibTorch build supports them (CUDA, MPS)."));
    computeNote->setWordWrap(true);
    computeForm->addRow(computeNote);
    layout->addWidget(compute);

    auto *look = new QGroupBox(tr("Appearance"));
    auto *lookForm = new QFormLayout(look);
    m_language = new QComboBox;
    m_language->setObjectName(QStringLiteral("language"));
    m_language->addItem(tr("System language"), QString());
    // Each language's name in its own language, so a user can find theirs whatever is shown now.
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
    const int language = m_language->findData(AppSettings::language());
    m_language->setCurrentIndex(language < 0 ? 0 : language);
    lookForm->addRow(tr("Language"), m_language);
    auto *languageNote = new QLabel(tr("A new language takes effect the next time Tunebench starts."));
    languageNote->setObjectName(QStringLiteral("languageNote"));
    languageNote->setWordWrap(true);
    lookForm->addRow(languageNote);
    auto *styleNote = new QLabel(tr("Tunebench follows the system's style and colours (light or dark)."));
    styleNote->setWordWrap(true);
    lookForm->addRow(tr("Style"), styleNote);
    layout->addWidget(look);
    layout->addStretch(1);

    connect(m_device, &QComboBox::currentIndexChanged, this, [this] {
        AppSettings::setDevice(m_device->currentData().toString());
        Q_EMIT settingsChanged();
    });
    connect(m_threads, &QSpinBox::valueChanged, this, [this](int value) {
        AppSettings::setThreads(value);
        Q_EMIT settingsChanged();
    });
    connect(m_language, &QComboBox::currentIndexChanged, this, [this] {
        AppSettings::setLanguage(m_language->currentData().toString());
        Q_EMIT settingsChanged();
    });
}
