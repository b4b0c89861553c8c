#include "project.h"

#include "install_paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>

#include <algorithm>

namespace {
const char *kRecentKey = "projects/recent";
constexpr int kMaxRecent = 8;
} // namespace

QString Project::filePath() const
{
    return QDir(dir).filePath(QString::fromLatin1(kProjectFileName));
}

QString Project::absolute(const QString &relative) const
{
    if (relative.isEmpty() || QFileInfo(relative).isAbsolute())
        return relative;
    return QDir::cleanPath(QDir(dir).filePath(relative));
}

static bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

bool loadProject(const QString &path, Project *project, QString *error)
{
    const QFileInfo info(path);
    const QString file = info.isDir() ? QDir(path).filePath(QString::fromLatin1(kProjectFileName)) : path;
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly))
        return fail(error, QCoreApplication::translate("Project", "%1: cannot open the project file (%2)")
                               .arg(file, in.errorString()));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(in.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(error, QCoreApplication::translate("Project", "%1: not valid JSON at byte %2 (%3)")
                               .arg(file)
                               .arg(parseError.offset)
                               .arg(parseError.errorString()));
    if (!doc.isObject())
        return fail(error, QCoreApplication::translate("Project", "%1: expected a JSON object").arg(file));
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("format")).toString() != QLatin1String("tunebench-project"))
        return fail(error, QCoreApplication::translate("Project", "%1: not a Tunebench project (\"format\" must be "
                                                                  "\"tunebench-project\")")
                               .arg(file));
    const int version = o.value(QStringLiteral("version")).toInt();
    if (version != 1)
        return fail(error, QCoreApplication::translate("Project", "%1: project version %2 is not supported (this "
                                                                  "Tunebench reads version 1)")
                               .arg(file)
                               .arg(version));
    Project p;
    p.dir = QFileInfo(file).absolutePath();
    p.name = o.value(QStringLiteral("name")).toString(QFileInfo(p.dir).fileName());
    for (const QJsonValue &v : o.value(QStringLiteral("datasets")).toArray())
        p.datasets << v.toString();
    for (const QJsonValue &v : o.value(QStringLiteral("models")).toArray())
        p.models << v.toString();
    for (const QJsonValue &v : o.value(QStringLiteral("configs")).toArray()) {
        const QJsonObject c = v.toObject();
        const QString configFile = c.value(QStringLiteral("file")).toString();
        if (configFile.isEmpty())
            return fail(error, QCoreApplication::translate("Project", "%1: every entry of \"configs\" needs a \"file\"")
                                   .arg(file));
        p.configs.append({configFile, c.value(QStringLiteral("title")).toString(configFile)});
    }
    p.runs = o.value(QStringLiteral("runs")).toString(QStringLiteral("runs"));
    *project = p;
    return true;
}

bool saveProject(const Project &project, QString *error)
{
    QJsonObject o;
    o.insert(QStringLiteral("format"), QStringLiteral("tunebench-project"));
    o.insert(QStringLiteral("version"), 1);
    o.insert(QStringLiteral("name"), project.name);
    o.insert(QStringLiteral("datasets"), QJsonArray::fromStringList(project.datasets));
    QJsonArray configs;
    for (const ProjectConfig &c : project.configs)
        configs.append(QJsonObject{{QStringLiteral("file"), c.file}, {QStringLiteral("title"), c.title}});
    o.insert(QStringLiteral("configs"), configs);
    o.insert(QStringLiteral("models"), QJsonArray::fromStringList(project.models));
    o.insert(QStringLiteral("runs"), project.runs);
    if (!QDir().mkpath(project.dir))
        return fail(error, QCoreApplication::translate("Project", "%1: cannot create the folder").arg(project.dir));
    QSaveFile out(project.filePath());
    if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(o).toJson()) < 0 || !out.commit())
        return fail(error, QCoreApplication::translate("Project", "%1: cannot write the project file (%2)")
                               .arg(project.filePath(), out.errorString()));
    return true;
}

QStringList recentProjects()
{
    QStringList list = QSettings().value(QString::fromLatin1(kRecentKey)).toStringList();
    // A project deleted or moved since is not offered.
    list.erase(std::remove_if(list.begin(), list.end(),
                              [](const QString &dir) {
                                  return !QFileInfo::exists(QDir(dir).filePath(QString::fromLatin1(kProjectFileName)));
                              }),
               list.end());
    return list;
}

void rememberProject(const QString &dir)
{
    QSettings settings;
    QStringList list = settings.value(QString::fromLatin1(kRecentKey)).toStringList();
    const QString clean = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    list.removeAll(clean);
    list.prepend(clean);
    while (list.size() > kMaxRecent)
        list.removeLast();
    settings.setValue(QString::fromLatin1(kRecentKey), list);
}

QString bundledSampleDir()
{
    // The engine knows where the program's own files are (.deb, .tar.gz, macOS bundle,
    // build tree); a sample without its tunebench.json is not a project to open.
    const QString dir = QString::fromStdString(tb::sampleDirectory());
    if (dir.isEmpty() || !QFileInfo::exists(QDir(dir).filePath(QString::fromLatin1(kProjectFileName))))
        return {};
    return QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
}

QString installSampleProject(const QString &targetDir, QString *error)
{
    const QString source = bundledSampleDir();
    if (source.isEmpty()) {
        fail(error, QCoreApplication::translate("Project", "The bundled sample project was not found next to the "
                                                           "program (share/tunebench/sample)."));
        return {};
    }
    if (QFileInfo::exists(QDir(targetDir).filePath(QString::fromLatin1(kProjectFileName))))
        return targetDir; // installed before: keep the user's runs and edits
    if (!QDir().mkpath(targetDir)) {
        fail(error, QCoreApplication::translate("Project", "%1: cannot create the folder").arg(targetDir));
        return {};
    }
    const QDir from(source);
    for (const QFileInfo &entry : from.entryInfoList(QDir::Files)) {
        const QString to = QDir(targetDir).filePath(entry.fileName());
        if (!QFile::copy(entry.absoluteFilePath(), to)) {
            fail(error, QCoreApplication::translate("Project", "%1: cannot copy the sample here").arg(to));
            return {};
        }
        // The installed files are read-only; the user's copy is theirs to edit.
        QFile(to).setPermissions(QFile(to).permissions() | QFileDevice::WriteOwner);
    }
    return targetDir;
}

QString defaultSampleTarget()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
        .filePath(QStringLiteral("Tunebench/maple-and-moss"));
}
