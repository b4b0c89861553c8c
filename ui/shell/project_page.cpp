#include "project_page.h"

#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTextBrowser>
#include <QTextStream>
#include <QUrl>

// The sample project's config titles, so they read in the user's language.
[[maybe_unused]] static const char *const kSampleTitles[] = {
    QT_TRANSLATE_NOOP("ProjectPage", "Chat model from scratch"),
    QT_TRANSLATE_NOOP("ProjectPage", "Intent classifier from scratch"),
};

// The first comment line of a TOML config says what it trains; shown under its title.
static QString configSummary(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    QTextStream in(&file);
    const QString first = in.readLine().trimmed();
    return first.startsWith(QLatin1Char('#')) ? first.mid(1).trimmed() : QString();
}

ProjectPage::ProjectPage(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    auto *header = new QHBoxLayout;
    auto *names = new QVBoxLayout;
    m_title = new QLabel(tr("No project open"));
    m_title->setObjectName(QStringLiteral("projectTitle"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    m_title->setFont(big);
    m_folder = new QLabel;
    m_folder->setTextInteractionFlags(Qt::TextSelectableByMouse);
    names->addWidget(m_title);
    names->addWidget(m_folder);
    header->addLayout(names, 1);
    auto *open = new QPushButton(tr("Open project…"));
    auto *create = new QPushButton(tr("New project…"));
    auto *reveal = new QPushButton(tr("Open folder"));
    open->setAccessibleName(tr("Open project"));
    create->setAccessibleName(tr("New project"));
    reveal->setAccessibleName(tr("Open the project folder"));
    header->addWidget(open);
    header->addWidget(create);
    header->addWidget(reveal);
    layout->addLayout(header);

    auto *body = new QHBoxLayout;
    auto *main = new QVBoxLayout;
    auto *start = new QGroupBox(tr("Train"));
    m_configs = new QVBoxLayout(start);
    m_configs->addStretch();
    main->addWidget(start);
    // The project's README.md, when it has one: what the project is and what to expect.
    m_readme = new QTextBrowser;
    m_readme->setOpenExternalLinks(true);
    m_readme->setAccessibleName(tr("About this project"));
    main->addWidget(m_readme, 1);
    body->addLayout(main, 3);
    auto *side = new QVBoxLayout;
    auto *dataBox = new QGroupBox(tr("Datasets (double-click to open)"));
    auto *dataLayout = new QVBoxLayout(dataBox);
    m_datasets = new QListWidget;
    m_datasets->setAccessibleName(tr("Datasets of the project"));
    dataLayout->addWidget(m_datasets);
    auto *recentBox = new QGroupBox(tr("Recent projects"));
    auto *recentLayout = new QVBoxLayout(recentBox);
    m_recent = new QListWidget;
    m_recent->setAccessibleName(tr("Recent projects"));
    recentLayout->addWidget(m_recent);
    side->addWidget(dataBox);
    side->addWidget(recentBox);
    body->addLayout(side, 2);
    layout->addLayout(body, 1);

    connect(open, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Open project"), QString(),
                                                          tr("Tunebench projects (tunebench.json)"));
        if (!file.isEmpty())
            Q_EMIT openRequested(file);
    });
    connect(create, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for the new project"));
        if (!dir.isEmpty())
            Q_EMIT newRequested(dir);
    });
    connect(reveal, &QPushButton::clicked, this, [this] {
        if (!m_folder->text().isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(m_folder->text()));
    });
    connect(m_datasets, &QListWidget::itemDoubleClicked, this,
            [this](QListWidgetItem *item) { Q_EMIT datasetRequested(item->data(Qt::UserRole).toString()); });
    connect(m_recent, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { Q_EMIT openRequested(item->data(Qt::UserRole).toString()); });
}

void ProjectPage::showProject(const Project &project)
{
    m_title->setText(project.name);
    m_folder->setText(QDir::toNativeSeparators(project.dir));
    qDeleteAll(m_configRows);
    m_configRows.clear();
    for (const ProjectConfig &config : project.configs) {
        const QString path = project.absolute(config.file);
        auto *row = new QWidget;
        auto *rowLayout = new QHBoxLayout(row);
        auto *text = new QLabel(QStringLiteral("<b>%1</b><br><small>%2</small>")
                                    .arg(tr(config.title.toUtf8().constData()).toHtmlEscaped(),
                                         (config.file + QStringLiteral(" · ") + configSummary(path)).toHtmlEscaped()));
        text->setWordWrap(true);
        auto *train = new QPushButton(tr("Train"));
        train->setObjectName(QStringLiteral("train:") + config.file);
        train->setAccessibleName(tr("Train %1").arg(tr(config.title.toUtf8().constData())));
        train->setToolTip(tr("Load %1 into the Train page and start it").arg(config.file));
        rowLayout->addWidget(text, 1);
        rowLayout->addWidget(train);
        m_configs->insertWidget(m_configs->count() - 1, row);
        m_configRows << row;
        connect(train, &QPushButton::clicked, this, [this, path] { Q_EMIT trainRequested(path); });
    }
    QFile readme(QDir(project.dir).filePath(QStringLiteral("README.md")));
    if (readme.open(QIODevice::ReadOnly | QIODevice::Text)) {
        m_readme->setMarkdown(QString::fromUtf8(readme.readAll()));
        m_readme->show();
    } else {
        m_readme->clear();
        m_readme->hide();
    }
    m_datasets->clear();
    for (const QString &dataset : project.datasets) {
        auto *item = new QListWidgetItem(dataset, m_datasets);
        item->setData(Qt::UserRole, project.absolute(dataset));
    }
}

void ProjectPage::showRecent(const QStringList &dirs)
{
    m_recent->clear();
    for (const QString &dir : dirs) {
        auto *item = new QListWidgetItem(QDir::toNativeSeparators(dir), m_recent);
        item->setData(Qt::UserRole, dir);
    }
}
