package cli

// The texts that must match mosquitto_passwd byte for byte (REFERENCE §1-4),
// in one place so they can be checked against it at a glance. Each is printed
// with a final newline.
const (
	msgHashMissing       = "Error: -H argument given but not enough other arguments."
	msgUnknownHash       = "Error: Unknown hash type '%s'"
	msgIterationsMissing = "Error: -I argument given but not enough other arguments."
	msgIterationsLow     = "Error: Number of iterations must be > 0."
	msgCreateDelete      = "Error: -c and -D cannot be used together."
	msgCreateUpdate      = "Error: -c and -U cannot be used together."
	msgDeleteUpdate      = "Error: -D and -U cannot be used together."
	msgBatchDelete       = "Error: -b and -D cannot be used together."
	msgCreateBatchArgs   = "Error: -c argument given but password file, username, or password missing."
	msgCreateArgs        = "Error: -c argument given but password file or username missing."
	msgDeleteArgs        = "Error: -D argument given but password file or username missing."
	msgUpdateArgs        = "Error: -U argument given but password file missing."
	msgUsernameTooLong   = "Error: Username must be less than 65536 characters long."
	msgUsernameControl   = "Error: Username must not contain control characters."
	msgUsernameColon     = "Error: Username must not contain the ':' character."
	msgPasswordTooLong   = "Error: Password must be less than 65536 characters long."

	msgPrompt          = "Password: "
	msgPromptAgain     = "Reenter password: "
	msgEmptyPassword   = "Error: Empty password."
	msgPasswordsDiffer = "Error: Passwords do not match."

	msgAdding      = "Adding password for user %s"
	msgUpdating    = "Updating password for user %s"
	msgUserMissing = "Warning: User %s not found in password file."
	msgCorrupt     = "Error: Corrupt password file at line %d."
	msgOpen        = "Error: Unable to open password file %s. %s."
	msgOpenCreate  = "Error: Unable to open file %s for writing. %s."
	msgResolve     = "Error reading password file: %s"
)

// Our own messages, in the same form. The texts of --check's findings live
// with the checks in package pwcheck, which also puts them in its JSON.
const (
	msgVersion         = "mosquitto_passwd (mqpasswd) %s"
	msgUnknownOption   = "Error: Unknown option '%s'."
	msgNeedsValue      = "Error: Option --%s needs a value."
	msgUsernameEmpty   = "Error: Username must not be empty."
	msgUsernameComment = "Error: Username must not start with '#': the broker reads such a line as a comment."
	msgUsernameSpace   = "Error: Username must not start or end with white space: the broker trims it and would not find this user."
	msgUsernameOption  = "Warning: Username '%s' starts with '-' like an option; options are read only before the password file, so it is taken as a username."
	msgIterationsHigh  = "Error: Number of iterations must be at most %d."
	msgWriteDir        = "Error: Unable to write password file %s. The directory %s is not writable: the file is replaced by a new one written beside it, so its directory must be writable too."
	msgOwnerNeedsRoot  = "Error: Unable to write password file %s. Changing the owner of a file needs root: run as root, or without --owner."
	msgKeepOwner       = "Error: Unable to write password file %s. It belongs to another user or group, which the new file must keep, and giving a file to another user needs root."
	msgBadBroker       = "Error: Unknown broker version '%s'; use 2.0, 2.1 or 2.1-argon2."
	msgBadDuration     = "Error: Invalid lock timeout '%s'; use a duration such as 30s."
	msgWrite           = "Error: Unable to write password file %s. %s."
	msgStdoutWrite     = "Error: Unable to write to standard output. %s."
	msgStdoutChanged   = "Error: Unable to write to standard output. %s. The password file was changed."
	msgLockTimeout     = "Error: Timed out after %s waiting for another mosquitto_passwd to finish with %s."
	msgLockWait        = "Waiting for another mosquitto_passwd to finish with %s..."
	msgUnsafeLink      = "Error: Not following the symbolic link %s: it belongs to %s and another user can write where it is, so it may have been planted to make this run change another file. Point at the real file, or give --follow-unsafe-links if you trust the link."
	msgPlanted         = "Error: Refusing to use %s: %s. It is not a file mosquitto_passwd left there; look at it and remove it. The password file is unchanged."
	msgNotDurable      = "Error: %s was changed, but the change could not be made durable (%s): it may not survive a power cut. Running the same command again is safe."
	msgAttr            = "Error: Unable to keep the extended attribute %[2]s of %[1]s (%[3]s); the password file is unchanged."
	msgBareCR          = "Error: %s holds a carriage return inside line %d: lines that end in CR alone (old Mac line endings) cannot be told apart, so the file is left unchanged. Convert it to LF line endings first, for example with mac2unix."
	msgInterrupted     = "Error: Interrupted; the password file is unchanged."
	msgArgon2Warning   = "Warning: argon2id hashes are accepted only by Mosquitto 2.1 brokers built with argon2 support; 2.0 brokers and the official 2.1 images refuse them."
	msgHashFailed      = "Error: Unable to hash password: %s."
	msgInternal        = "Error: %s."
	msgUnknownShell    = "Error: Unknown shell '%s' for --completion; use bash, zsh, fish or powershell."

	// Combinations and arguments of -i, -v, -n, --list, --check, --import,
	// --import-hashed, --export, --owner, --if-changed and --json, checked
	// after the original's rules.
	msgConflict        = "Error: %s and %s cannot be used together."
	msgJSONOnly        = "Error: --json works only with --list or --check."
	msgVerifyArgs      = "Error: -v argument given but password file or username missing."
	msgVerifyBatchArgs = "Error: -v argument given but password file, username, or password missing."
	msgPrintArgs       = "Error: -n argument given but username missing."
	msgPrintBatchArgs  = "Error: -n argument given but username or password missing."
	msgImportArgs      = "Error: --import argument given but password file missing."
	msgInspectArgs     = "Error: %s argument given but password file missing."

	// A wrong number of positional arguments, before the short usage.
	msgPlainArgs       = "Error: Password file or username missing."
	msgBatchArgs       = "Error: -b argument given but password file, username, or password missing."
	msgTooManyPlain    = "Error: Too many arguments: give the password file and the username (with -b, the password after them)."
	msgTooManyBatch    = "Error: Too many arguments: -b takes the password file, the username and the password."
	msgTooManyArgs     = "Error: Too many arguments."
	msgOptionAfterFile = "Error: Option '%s' must come before the password file and the other arguments."

	// -v
	msgVerifyOK      = "Password for user %s correct."
	msgVerifyWrong   = "Error: Password for user %s incorrect."
	msgVerifyNoUser  = "Error: User %s not found in password file."
	msgVerifyBadHash = "Error: The password of user %s cannot be verified: its hash is unusable (%s). Set the password again."

	// --if-changed
	msgUnchanged = "Password for user %s unchanged"

	// --import; a bad line is named by its number and reason, never quoted.
	msgImported         = "Imported users: %d added, %d updated."
	msgImportedIf       = "Imported users: %d added, %d updated, %d unchanged."
	msgImportOpen       = "Error: Unable to open import file %s. %s."
	msgImportLine       = "Error: Line %d of %s: %s."
	msgImportBad        = "Error: Nothing was imported: %s in %s."
	msgImportBadMany    = "Error: Nothing was imported: %s in %s; the first %d are listed."
	msgImportNotFile    = "Error: %s is neither a regular file nor a pipe; nothing was imported."
	msgImportTooLarge   = "Error: Import file %s is larger than %d MiB; split it into several imports."
	msgImportRace       = "Error: %s changed while the import ran, %d times; nothing was written. Run the import again when fewer edits run at once."
	msgUpgradeRace      = "Error: %s changed while its passwords were hashed, %d times; nothing was written. Run -U again when fewer edits run at once."
	msgImportStdout     = "Error: -c - prints to standard output, which %s cannot do; to create a file named -, give it as ./-."
	msgStdinName        = "standard input"
	reasonNoColon       = "no ':' between username and password"
	reasonEmptyPassword = "empty password"
	reasonPasswordLong  = "password must be less than 65536 characters long"
	reasonUserSpace     = "username must not start or end with white space"
	reasonUserLong      = "username must be less than 65536 characters long"
	reasonUserControl   = "username must not contain control characters"
	reasonUserEmpty     = "username must not be empty"
	reasonLineLong      = "line longer than %d bytes"
	reasonDuplicate     = "user %s already given at line %d"
	reasonEmptyHash     = "empty hash"

	// --export; an entry left out is named by its line and user, never its
	// hash. The summary goes to stderr, so that stdout holds the export alone.
	msgUnknownFormat  = "Error: Unknown export format '%s'; use dynsec, goauth or passlib."
	msgOutputOnly     = "Error: -o works only with --export."
	msgExportOwner    = "Error: --owner gives the written file an owner; with --export, name that file with -o."
	msgExportSame     = "Error: -o %s is the password file being exported; give another file."
	msgExportLeftOut  = "Warning: Line %d (user %s) not exported: %s."
	msgExported       = "Exported users: %d."
	msgExportedSome   = "Exported users: %d, left out: %d."
	msgExportWrite    = "Error: Unable to write export file %s. %s."
	reasonPlaintext   = "a plaintext password, not a hash (run -U first)"
	reasonUserNotUTF8 = "username is not valid UTF-8"

	// --owner
	msgOwnerBad         = "Error: Invalid owner '%s'; use USER, USER:GROUP or :GROUP, by name or number."
	msgOwnerUser        = "Error: Unknown user '%s' for --owner."
	msgOwnerGroup       = "Error: Unknown group '%s' for --owner."
	msgOwnerUnsupported = "Error: --owner is not supported on this system."

	// --check: findings on stdout, then the verdict.
	msgCheckFinding     = "%s:%d: %s: %s"
	msgCheckFileFinding = "%s: %s: %s"
	msgCheckClean       = "%s: no problems for Mosquitto %s brokers (%s)."
	msgCheckWarnings    = "%s: %s for Mosquitto %s brokers (%s)."
	msgCheckErrors      = "Error: %s: %s for Mosquitto %s brokers."

	// The broker's user (REFERENCE §6 item 8) and --conf.
	msgOwnerStaysRoot     = "Warning: %s is owned by root, so a broker that drops privileges to its own user will not be able to read it: no broker user was found (no --owner, --conf user, PUID or local mosquitto user); give it to that user with --owner USER[:GROUP]."
	msgBrokerUser         = "Error: Cannot tell the broker's user: %s; name it with --owner USER[:GROUP]."
	msgConfOpen           = "Error: Unable to open configuration file %s. %s."
	msgConfNoFile         = "Error: %s names no password file; give the password file as an argument."
	msgConfManyFiles      = "Error: %s names more than one password file; give the one to use as an argument."
	msgConfMissing        = "%s %s does not exist: the broker will not start (Unable to open pwfile); correct the path, or create the file with mosquitto_passwd -c"
	msgConfAnonymous      = "%s lets clients connect without a username: set allow_anonymous false (with per_listener_settings true, after that listener line) so that only the users of a password file get in"
	msgConfNoPasswordFile = "the broker loads no password file, so no client is checked against one: add password_file and allow_anonymous false"
	msgConfPasswordFile   = "%s: the %s of %s, for %s."
	msgConfEveryListener  = "every listener"

	// --reload (REFERENCE §6 item 9); the file is written in every case.
	msgReloaded          = "Sent SIGHUP to Mosquitto broker %s (%s) to reload the password file."
	msgReloadFromPIDFile = "PID file %s"
	msgReloadByName      = "found by its name, mosquitto"
	msgReloadUnsafe      = "Error: %s is written, but no broker was signalled: %s above would make Mosquitto %s brokers drop users or refuse the file. Fix them (mosquitto_passwd --check shows every finding), then reload."
	msgReloadGenerations = "Without --broker a reload must be safe for 2.0 and 2.1 brokers alike; name the broker's generation with --broker 2.0, 2.1 or 2.1-argon2."
	msgNoBroker          = "Error: %s is written, but no broker was signalled: %s. Start the broker, or name its PID file with --reload=PIDFILE."
	msgBrokerExited      = "Error: Mosquitto broker %s exited after the reload signal: it refused the password file or its configuration. See its log, fix the cause and start it again."
	msgReloadFailed      = "Error: %s is written, but the broker could not be reloaded: %s."
	msgReloadUnsupported = "Error: --reload is not supported on Windows; restart the Mosquitto service to make it read the password file."
)
