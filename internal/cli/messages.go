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
	msgBadBroker       = "Error: Unknown broker version '%s'; use 2.0 or 2.1."
	msgBadDuration     = "Error: Invalid lock timeout '%s'; use a duration such as 30s."
	msgWrite           = "Error: Unable to write password file %s. %s."
	msgWriteDir        = "Error: Unable to write password file %s. The directory %s is not writable: the file is replaced by a new one written beside it, so its directory must be writable too."
	msgOwnerNeedsRoot  = "Error: Unable to write password file %s. Changing the owner of a file needs root: run as root, or without --owner."
	msgKeepOwner       = "Error: Unable to write password file %s. It belongs to another user or group, which the new file must keep, and giving a file to another user needs root."
	msgStdout          = "Error: Unable to write to standard output: %s."
	msgLockTimeout     = "Error: Timed out after %s waiting for another mosquitto_passwd to finish with %s."
	msgLockWait        = "Waiting for another mosquitto_passwd to finish with %s..."
	msgInterrupted     = "Error: Interrupted; the password file is unchanged."
	msgArgon2Warning   = "Warning: argon2id hashes are accepted only by Mosquitto 2.1 brokers built with argon2 support; 2.0 brokers and the official 2.1 images refuse them."
	msgHashFailed      = "Error: Unable to hash password: %s."
	msgInternal        = "Error: %s."
	msgUnknownShell    = "Error: Unknown shell '%s' for --completion; use bash, zsh, fish or powershell."

	// Combinations and arguments of -i, -v, -n, --list, --check, --import,
	// --owner, --if-changed and --json, checked after the original's rules.
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
	msgImportRace       = "Error: %s changed while the import ran; nothing was written. Run the import again."
	msgImportStdout     = "Error: -c - prints to standard output, which --import cannot do; to create a file named -, give it as ./-."
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
)
