"""The phrase templates of every intent, and the vocabulary of their slots.

Template notation: `[x]` optional, `(a|b c)` alternatives (each a run of plain words), `{slot}`
a slot, `...` any words (at a lower score), `<env>`/`<py>`/`<problems>` shorthands below.
Optional groups may hold alternatives: `[a|b]`. Words are lower-case.
"""

from __future__ import annotations

MACROS: dict[str, str] = {
    "<env>": "(environment|environments|env|envs|venv|venvs|virtualenv|virtualenvs"
             "|virtual environment|virtual environments|virtual env|virtual envs)",
    "<py>": "(python|pythons|interpreter|interpreters|python interpreter|python interpreters"
            "|python installation|python installations|python versions|installations)",
    "<problems>": "(problem|problems|issue|issues|error|errors|trouble|bugs|bug|setup|config"
                  "|configuration|health)",
    "<list>": "(list|show|display|print|get|give me|enumerate|tell me|give me a list of"
              "|show me a list of|a list of)",
}

TEMPLATES: dict[str, tuple[str, ...]] = {
    "list_environments": (
        "<list> [all|every] [installed] [{state}] [{kind}] (<env>|<py>) [{version}] [on|in] "
        "[this|my] [machine|computer|system|laptop]",
        "<list> [all|every] [{kind}] (<env>|<py>) (that are|which are|that is) {state}",
        "<list> [all|every] [installed] {kind} [<env>|<py>]",
        "<list> [all|every] [installed] {version} {kind} [<env>|<py>]",
        "(find|locate|discover|search for|look for|detect|scan for) [all|every] [{kind}] "
        "(<env>|<py>) [{version}]",
        "(find|locate|discover|search for|look for) [python|version] {version}",
        "(what|which) [{kind}] (<env>|<py>) (are installed|do i have|are there|exist|are available"
        "|have i got|can you find|are on this machine)",
        "where are [all] (<env>|<py>)",
        "(what|which) [{kind}] (<env>|<py>) (are|exist|do i have|are there) ...",
        "how many (<env>|<py>) [do i have|are there|are installed]",
    ),
    "which_python": (
        "which (python|python3|python2|py|{version}) [will run|runs|is used|gets used|is active"
        "|is running|do i get|will be used|is it|am i using|is that|is first|executes"
        "|would run|would be used|would start] [here]",
        "(what|which) (python|python3|interpreter) is [first] (on|in) [my|the] path",
        "(where|where is|where's|which one is) (python|python3|{version})",
        "what (python|interpreter|python version|version of python) (will run|runs|is used"
        "|gets used|is active|am i using|do i get|is running|will be used)",
        "what is the (active|current|default|selected) (python|interpreter|python version)",
        "(show|tell me) [the] (active|current|default) (python|interpreter|python version)",
        "which interpreter (runs|is used|will run) [for] [python|python3|{version}]",
        "what does (python|python3|{version}) (point to|resolve to|run)",
        "(resolve|locate) (python|python3|{version})",
        "(what|which) (python|python3|interpreter) (runs|will run|is used|gets used|starts"
        "|executes) (when|if) [i] (type|run|call) [python|python3]",
        "where does (python|python3|{version}) come from",
        "(show me|tell me|find out) which (python|python3|interpreter) ...",
        # one version ("what python version do I have") asks what `python` is here; the plural
        # ("what python versions do I have") lists them
        "(what|which) (python version|version of python|python3 version|version of python3)"
        " (do i have|have i got|am i on|am i running|is this|is installed|is it) [here]",
        "what version (is|of) (python|python3) [do i have|have i got|is installed|is this] [here]",
    ),
    "diagnose": (
        "(diagnose|check|test|inspect|examine|analyze|analyse|audit|troubleshoot|debug|scan) "
        "[python] [{topic}] [<problems>] [in|for|of|with] [{target}]",
        "(diagnose|check|test|inspect|examine|analyze|analyse|audit|troubleshoot|debug) "
        "[the] [python] <env> [health|problems|issues]",
        "(diagnose|check|test|inspect|examine|audit|troubleshoot) [python] <env> {target} "
        "[health|<problems>]",
        "(diagnose|check|test|inspect|examine|audit|troubleshoot) {target} [<env>] "
        "[health|<problems>]",
        "(diagnose|check|inspect|find|detect|look for|scan for) [python] [{topic}] "
        "(problems|issues|errors|trouble) [in|with|of] [{target}]",
        "[run|start|do|perform] [a|the] [full] [python] [<env>] health (check|checks|checkup) "
        "[on|of|for|in] [all|every] [<env>|{target}]",
        "(check|test|inspect|examine) [the] health (of|for) [the] ({target}|<env>|<py>|python) "
        "[<env>]",
        "(anything|something) wrong with (python|{topic}|<env>|<py>|{target}) [<env>]",
        "(run|start) [the] (doctor|diagnostics|diagnosis|checks)",
        "is {target} [python] [<env>] (healthy|ok|okay|fine|working|broken|good|sane)",
        "(is|are) [python] [<env>] (healthy|ok|okay|fine|working|broken|good|sane)",
        "(is|are) {topic} (healthy|ok|okay|fine|working|broken|set up correctly)",
        "(what is|what's) wrong with [python] [{topic}] [{target}] [<env>]",
        "why (does|do|is|are|did|can not|will not|does not|is not) [python] {topic} ...",
        "why (does|do|is|are|did|can not|will not|does not|is not) python ...",
        "(something is|things are) (wrong|broken) with [python] [{topic}]",
        "(python|pip|{topic}) (is|seems|looks) (broken|wrong|not working)",
        "(check|test|see) (if|whether) [python] [{topic}] (works|is working|is ok|is okay"
        "|is broken|is fine|is healthy)",
        "doctor [{target}]",
    ),
    "fix": (
        "[auto|automatic|automatically] (fix|repair|heal|mend|resolve|correct|sort out) [broken] "
        "[python] [{topic}] [<env>] [<problems>]",
        "(fix|repair|heal|rebuild|recreate) [broken] [python] [<env>] (for|of|in) {target}",
        "(fix|repair|heal|rebuild) {target} [<env>]",
        "(fix|repair|heal|rebuild|recreate) [broken] [python] <env> {target}",
        "(rebuild|recreate|repair) [broken|stale|outdated] [python] <env> [after|following] "
        "[a|the] [python] (upgrade|update|upgrades|updates)",
        "(rebuild|repair) [broken] <env>",
        "(apply|run|perform) [automatic] (recovery|repair|repairs|fixes|recovery strategies)",
        "(recover|recovery) [from] [broken] [python] [<env>] [<problems>]",
        "make [python] [{topic}] (work|working) [again]",
    ),
    "switch": (
        "(switch|change|swap|move) to [the|a] [python] [<env>] [for|in] {target} [<env>]",
        "(switch|change|swap) to [the|a] [python] {version} [for|in] [{target}]",
        "(switch|change) [the] (<env>|python) (for|of|in) {target} [to] [{version}]",
        "(switch|change) [the] (<env>|python) to {target}",
        "(switch|change|set|move) [the] [<env>] {target} [<env>] to [python] {version}",
        "(use|activate|select|enable|pick|choose) [the] [python] <env> {target}",
        "(use|activate|select|enable|pick|choose) {target} [<env>]",
        "(activate|enable|enter) [python] <env> [here]",
        "(use|select|pick|choose) {version} [for|in] [{target}]",
        "(use|select|pick|choose) [python] {version} {scope}",
        "(set|make) [python] {version} [as] [the] {scope} [python]",
        "(set|make) [the] {scope} python [to] {version}",
        "(set|make) [the] active python [to] {version}",
        "work (on|in) {target}",
    ),
    "create_environment": (
        "(create|make|build|set up|setup|init|initialise|initialize|start|add) [a|an] [new] "
        "[python] <env> [with|using|on|for|from] [python] [{version}]",
        "(create|make|build|set up|setup|init|initialise|initialize|add) [a|an] [new] [python] "
        "[{version}] <env> [for|in] {target}",
        "(create|make|build|set up|setup|init|initialise|initialize) [a|an] [new] [python] "
        "[{version}] <env> [with|using|on] [python] [{version}] (in|at|under|into) {path}",
        "(create|make|build|set up|setup) [a|an] [new] [python] [{version}] <env> {path}",
        "(create|make|build|set up|setup) [a|an] [new] [python] [{version}] <env> (called|named)"
        " {target}",
        "new [python] <env> [with] [{version}]",
        "(python|py) -m venv [{path}]",
    ),
    "backup": (
        "(back up|backup|snapshot|save|secure|archive) [all|every] [python] [<env>|pythons|state"
        "|everything] [now|state]",
        "(back up|backup|snapshot|save) [python] <env> {target}",
        "(back up|backup|snapshot|save) {target} [<env>] [now]",
        "back (everything|all|it|them|<env>) up [now]",
        "(create|make|take|do|run|save) [a|an] [new|full] [environment|env] (backup|snapshot"
        "|backups|snapshots) [of|for] [all|every] [<env>] [now]",
        "(create|make|take|do) [a|an] [new|full] (backup|snapshot) (of|for) [the] {target} "
        "[<env>]",
    ),
    "restore": (
        "(restore|recover|revert|roll back|rollback|go back) [python] [<env>|state|everything] "
        "[from|to] [the] [{source}] (backup|snapshot|backups|snapshots|state)",
        "(restore|revert|roll back|rollback|go back) [python] [<env>|state] (from|to) {source}",
        "(restore|revert|roll back|rollback) [to] [the] {source} [backup|snapshot]",
        "(restore|restore from|restore a|restore the) (backup|snapshot)",
        "(load|apply|use) [the] [{source}] (backup|snapshot) [{source}]",
        "restore [<env>]",
        "(roll back|rollback|revert) [python] <env>",
    ),
    "export": (
        "(prepare|ready|get ready|set up|prep) [python] [<env>|machine|system|computer|everything"
        "|laptop] (for|before) [an|the|a] [os|system|operating system|machine|computer] "
        "(reinstall|reinstallation|reinstalling|reformat|wipe|reset|migration|upgrade)",
        "export [all|every] [python] [<env>|everything] [configuration|config|setup|settings"
        "|state] "
        "[and instructions] [to|into|in|at] [{path}]",
        "(write|create|make|build|generate) [an|a] [portable] (export|bundle|export bundle) "
        "[to|in|at|into] [{path}]",
        "(save|write|dump) [python] <env> (configuration|config|setup|settings) [to|in|at|into] "
        "[{path}]",
        "(before|for) [an|the|a] (os|system|operating system) (reinstall|reinstallation|reformat)",
        "get [python] [<env>|machine|system|computer|everything|laptop] ready (for|before) "
        "[an|the|a] [os|system|operating system|machine|computer] (reinstall|reinstallation"
        "|reinstalling|reformat|wipe|reset|migration|upgrade)",
        "(migrate|move) [my] [python] <env> to [a|another|new] (machine|computer|laptop)",
        "(prepare|get ready) for (migrating|moving|migration|a move) [to] [a|another|new] "
        "(machine|computer|laptop)",
        "bundle [up] [python] <env> ...",
        "[i am|i will] (going to|about to|want to|need to|planning to|will) (reinstall|reformat"
        "|wipe|reset) [the|my] (os|system|operating system|machine|computer|laptop)",
    ),
    "import": (
        "(import|reimport|re-import) [all|every] [python] [<env>] [configuration|config|bundle"
        "|export] [from] "
        "[{path}]",
        "(recreate|restore|rebuild|reinstall|bring back|set up) [python] <env> (after|following) "
        "[the|an|a] [os|system|operating system|machine] (reinstall|reinstallation|reformat"
        "|wipe|reset|migration)",
        "(recreate|rebuild|load|reinstall|set up) [python] [<env>] from [the|an|a] [portable] "
        "(bundle|export|export bundle) [{path}]",
        "(recreate|rebuild|load|reinstall) [python] <env> from {path}",
    ),
    "report": (
        "(generate|create|make|produce|write|build|give me|run|print|show|get) [a|an|the] "
        "[full|complete|detailed] [diagnostic|diagnostics|health|diagnosis|system|environment"
        "|status|python] report [as|in|using] [{format}]",
        "[full|complete] (diagnostic|diagnostics|health|diagnosis|status) report [as|in] "
        "[{format}]",
        "[full|complete] report [as|in] [{format}]",
        "(generate|create|make|produce|write|give me|show|print|export) [a|an|the] [full] "
        "[diagnostic|health] {format} report",
        "(summarise|summarize) [the] [python] [<env>] (health|state|status)",
    ),
    "list_backups": (
        "<list> [all|every] [available|existing|saved] [<env>] (backups|snapshots|backup"
        "|snapshot)",
        "(which|what) (backups|snapshots) (do i have|are there|exist|are available|have i got"
        "|have i made)",
        "(backups|snapshots)",
        "(do i have|are there|have i got|have i made) [any] (backups|snapshots)",
        "how many (backups|snapshots) [do i have|are there]",
    ),
    "cleanup": (
        "(remove|delete|clean up|cleanup|clean|purge|prune|forget|get rid of|drop|tidy up|wipe) "
        "[all|every] (broken|stale|dead|orphaned|missing|invalid|corrupt|corrupted|unused) "
        "[python] [<env>|<py>|records|entries]",
        "(clean up|cleanup|tidy up|tidy|prune) [all|every] [python] [<env>|<py>]",
        "(clean up|cleanup|tidy up|prune) [the] {target} [<env>]",
        "(forget|remove|delete|drop) [broken] [<env>] (records|entries)",
    ),
    "list_packages": (
        "<list> [all|every] [the] [installed] [python] (packages|package|distributions|libraries"
        "|modules|libs|dependencies) [installed] [in|of|for|inside|from] [{target}] [<env>]",
        "(what|which) [packages|libraries|modules] (is|are|is installed|are installed|got "
        "installed) [installed] (in|into|inside|on|for) {target} [<env>]",
        "(what|which) (packages|libraries|modules|distributions) (are installed|do i have"
        "|are there|are in) [in] [{target}] [<env>]",
        "what is installed [in|on|into|inside] [{target}]",
        "(packages|libraries|distributions|modules) (in|of|for|inside) {target}",
        "pip (list|freeze) [in|for] [{target}]",
    ),
    "check_packages": (
        "(check|find|look for|detect|scan for|search for|show|list|are there) [for] [any] "
        "[python] (dependency|dependencies|package|packages|version|requirement|requirements) "
        "(conflicts|conflict|clashes|clash|incompatibilities|problems|issues|errors) "
        "[in|of|for] [{target}]",
        "pip check [{target}]",
        "(are there|do i have|have i got|any|find|show|list) [any] (broken|conflicting|unsatisfied"
        "|incompatible) (requirements|dependencies) [in|of|for] [{target}]",
        "(check|find|look for|detect|scan for|search for|are there) [for] [any] (conflicts"
        "|conflict|clashes|incompatibilities) [in|of|for] [{target}]",
        "(verify|validate) [the] [installed] (dependencies|packages|requirements) [in|of|for] "
        "[{target}]",
        "(are there|do i have|any) (dependency|package|version) (conflicts|clashes)",
        "(dependency|package) (conflicts|clashes|check)",
        "[are|do] [my] (dependencies|packages|requirements) (conflict|clash|compatible|broken)",
    ),
    "help": (
        "help [me] [please]",
        "what (can|should|could) (you|i) (do|say|ask|type)",
        "how (do|can) i (use|start|begin) [this|you|ainlp]",
        "how does (this|it|ainlp) work",
        "(show|list|give me) [the] [some] (commands|examples|help|usage|options)",
        "(usage|commands|examples|manual|instructions)",
        "what (are|is) [the] (commands|options|examples)",
        "what are you (for|good for)",
    ),
    "history": (
        "[show|list|display|print|view|see|give me|tell me] [me] [the|my|your] [full|recent] "
        "[action|actions|change|changes|command|commands|undo] (history|log|changelog)",
        "what (did|have) (you|ainlp|we) (change|changed|do|done) [so far|recently|lately|today"
        "|to my machine|on my machine]",
        "(what|which) changes (did you make|have you made|were made|have been made) [so far"
        "|recently|lately|today]",
        "(show|list|tell me) [me] [the|my|your] [recent|past|last|previous] (changes|actions) "
        "[you made|you did|so far]",
    ),
    "undo": (
        "undo [the|that|my] [last|previous|latest] [change|action|operation|step|fix|command]",
        "(revert|reverse|roll back|rollback|take back|cancel) [the|that|my] (last|previous"
        "|latest) (change|action|operation|step|fix|command)",
        "(revert|reverse|roll back|rollback) that [change]",
        "take that back",
    ),
}

# One example per intent, offered as suggestions when a phrase is not understood.
EXAMPLES: dict[str, str] = {
    "list_environments": "list python interpreters",
    "which_python": "which python will run",
    "diagnose": "check environment health",
    "fix": "fix the venv for this project",
    "switch": "use python 3.12 for this project",
    "create_environment": "create a virtual environment with python 3.12",
    "backup": "back up my environments",
    "restore": "restore the latest backup",
    "export": "prepare environment for OS reinstall",
    "import": "import environments from ~/aios-export",
    "report": "generate diagnostic report",
    "list_backups": "list backups",
    "cleanup": "remove broken environments",
    "list_packages": "list packages in this project",
    "check_packages": "check for dependency conflicts",
    "help": "help",
    "undo": "undo the last change",
    "history": "show history",
}

# Defaults filled in when the template left a slot empty.
DEFAULT_SLOTS: dict[str, dict[str, str]] = {
    "restore": {"source": "latest"},
}

# Slot vocabularies: written words (runs of words) -> the normalised value.
KINDS: dict[str, str] = {
    "venv": "venv", "venvs": "venv", "virtualenv": "venv", "virtualenvs": "venv",
    "virtual environment": "venv", "virtual environments": "venv", "virtual env": "venv",
    "virtual envs": "venv", "conda": "conda", "anaconda": "conda", "miniconda": "conda",
    "mamba": "conda", "micromamba": "conda", "miniforge": "conda", "pyenv": "pyenv",
    "system": "system", "pipx": "pipx", "uv": "uv", "poetry": "poetry", "pdm": "pdm",
    "hatch": "hatch", "homebrew": "homebrew", "brew": "homebrew", "pipenv": "pipenv",
}
TOPICS: dict[str, str] = {
    "path": "path", "$path": "path", "pythonpath": "path", "sys.path": "path",
    "pip": "pip", "pip3": "pip", "package": "packages", "packages": "packages",
    "dependency": "packages", "dependencies": "packages", "ssl": "ssl", "tls": "ssl",
    "certificate": "ssl", "certificates": "ssl", "cert": "ssl", "certs": "ssl",
    "venv": "venv", "venvs": "venv", "virtualenv": "venv", "virtual environment": "venv",
    "virtual environments": "venv", "conda": "conda", "pyenv": "pyenv",
    "permission": "permissions", "permissions": "permissions", "shebang": "shebang",
    "shebangs": "shebang", "import": "imports", "imports": "imports", "site-packages": "packages",
}
# What a list of environments may be narrowed to (the `state` slot of list_environments).
STATES: dict[str, str] = {
    "broken": "broken", "corrupt": "broken", "corrupted": "broken", "damaged": "broken",
    "unhealthy": "broken", "failing": "broken", "invalid": "broken", "missing": "missing",
    "deleted": "missing", "gone": "missing", "ok": "ok", "okay": "ok", "working": "ok",
    "healthy": "ok", "good": "ok",
}
FORMATS: dict[str, str] = {
    "json": "json", "markdown": "markdown", "md": "markdown", "text": "text", "txt": "text",
    "plain text": "text", "plain": "text",
}
# Where a switch applies: every project (the default interpreter), not just this one.
SCOPES: dict[str, str] = {
    "globally": "global", "global": "global", "everywhere": "global", "default": "global",
    "by default": "global", "as default": "global", "system-wide": "global",
    "systemwide": "global", "for all projects": "global", "for every project": "global",
}
SOURCES: dict[str, str] = {
    "latest": "latest", "last": "latest", "newest": "latest", "previous": "latest",
    "most recent": "latest", "recent": "latest", "last good": "latest",
}
PROJECT: tuple[str, ...] = (
    "this project", "the project", "my project", "our project", "project", "here",
    "this folder", "this directory", "this dir", "this repo", "this repository",
    "the current folder", "the current directory", "current folder", "current directory",
    "the current project", "current project", "this project's", ".venv", "cwd", "this one",
)
ALL: tuple[str, ...] = ("all", "everything", "every environment", "all environments")
