#pragma once

#include "project.h"

#include <QWidget>

class QLabel;
class QListWidget;
class QTextBrowser;
class QVBoxLayout;

// The Project page: the open project's name and folder, its training configs each with a
// one-click Train button (the sample project's quick start), its datasets, and the recent
// projects. It only shows and asks; MainWindow opens, trains and saves.
class ProjectPage : public QWidget {
    Q_OBJECT

public:
    explicit ProjectPage(QWidget *parent = nullptr);

    void showProject(const Project &project);
    void showRecent(const QStringList &dirs);

Q_SIGNALS:
    void openRequested(const QString &path);
    void newRequested(const QString &dir);
    // Load this config into the Train page and start it.
    void trainRequested(const QString &configPath);
    void datasetRequested(const QString &path);

private:
    QLabel *m_title = nullptr;
    QLabel *m_folder = nullptr;
    QVBoxLayout *m_configs = nullptr;
    QListWidget *m_datasets = nullptr;
    QListWidget *m_recent = nullptr;
    QTextBrowser *m_readme = nullptr;
    QList<QWidget *> m_configRows;
};
