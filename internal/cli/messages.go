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

// Our own messages, in the same form.
const (
	msgUnknownOption = "Error: Unknown option '%s'."
	msgUsernameEmpty = "Error: Username must not be empty."
	msgBadBroker     = "Error: Unknown broker version '%s'; use 2.0 or 2.1."
	msgBadDuration   = "Error: Invalid lock timeout '%s'; use a duration such as 30s."
	msgWrite         = "Error: Unable to write password file %s. %s."
	msgLockTimeout   = "Error: Timed out after %s waiting for another mosquitto_passwd to finish with %s."
	msgLockWait      = "Waiting for another mosquitto_passwd to finish with %s..."
	msgInterrupted   = "Error: Interrupted; the password file is unchanged."
	msgArgon2Warning = "Warning: argon2id hashes are accepted only by Mosquitto 2.1 brokers built with argon2 support; 2.0 brokers and the official 2.1 images refuse them."
	msgHashFailed    = "Error: Unable to hash password: %s."
	msgInternal      = "Error: %s."
	msgUnknownShell  = "Error: Unknown shell '%s' for --completion; use bash, zsh, fish or powershell."
)
