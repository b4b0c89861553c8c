#pragma once

#include <QList>
#include <QString>
#include <QStringList>

// A Tunebench project: a folder with a tunebench.json that names its datasets, its
// training configs, the models it uses and where its runs go. Paths inside the file are
// relative to the folder, so a project can be moved, copied or shared as a whole.
struct ProjectConfig {
    QString file;  // a training config (.toml or .json), relative to the project folder
    QString title; // shown on the Project page
};

struct Project {
    QString dir; // absolute folder holding tunebench.json
    QString name;
    QStringList datasets;
    QList<ProjectConfig> configs;
    QStringList models; // imported models (absolute paths or relative to the folder)
    QString runs = QStringLiteral("runs");

    bool isOpen() const { return !dir.isEmpty(); }
    QString filePath() const;
    QString absolute(const QString &relative) const;
    QString runsDir() const { return absolute(runs); }
};

inline constexpr const char *kProjectFileName = "tunebench.json";

// Reads `path` (the project folder or its tunebench.json). On failure returns false and
// sets `error` to a message naming the file and what is wrong; `project` is untouched.
bool loadProject(const QString &path, Project *project, QString *error);

// Writes tunebench.json atomically (the old file stays whole if the write fails).
bool saveProject(const Project &project, QString *error);

// The recently opened projects, newest first, remembered across restarts (QSettings).
QStringList recentProjects();
void rememberProject(const QString &dir);

// The bundled sample project (resources/sample, installed under share/tunebench/sample).
// Empty when it cannot be found.
QString bundledSampleDir();

// Copies the bundled sample into a writable folder the first time (the installed copy is
// read-only) and returns that folder, or an empty string with `error` set.
QString installSampleProject(const QString &targetDir, QString *error);

// Where the first launch puts the user's copy of the sample: Documents/Tunebench/sample.
QString defaultSampleTarget();
