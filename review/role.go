package review

import "slices"

// Role is an account's role (design.md, "Who uses it").
type Role string

// The roles.
const (
	RoleReviewer Role = "reviewer"
	RoleSenior   Role = "senior_reviewer"
	RoleTrainer  Role = "trainer"
	RoleManager  Role = "manager"
	RoleAdmin    Role = "admin"
)

// Roles lists every role.
var Roles = []Role{RoleReviewer, RoleSenior, RoleTrainer, RoleManager, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Action is something a role may or may not do.
type Action string

// The actions of design.md's role table.
const (
	ActClaim           Action = "claim"            // claim and decide live items
	ActEscalate        Action = "escalate"         // send an item to the escalation queue
	ActNote            Action = "note"             // add internal notes
	ActRecordComplaint Action = "record_complaint" // record complaints
	ActRecordConsent   Action = "record_consent"   // record consent evidence
	ActClaimEscalated  Action = "claim_escalated"  // work the escalation queue
	ActOverturn        Action = "overturn"         // overturn a decision
	ActResolveAppeal   Action = "resolve_appeal"   // uphold or overturn an appeal
	ActBuildGold       Action = "build_gold"       // build gold sets
	ActRunTraining     Action = "run_training"     // run training sessions
	ActCertify         Action = "certify"          // certify reviewers for queues
	ActSeeScores       Action = "see_scores"       // see reviewers' scores
	ActExportAssess    Action = "export_assessment"
	ActSeeAll          Action = "see_all"          // dashboards and every record
	ActWithdrawConsent Action = "withdraw_consent" // withdraw a consent record
	ActUnmask          Action = "unmask"           // see personal data in the clear (logged)
	ActApproveRules    Action = "approve_rules"    // approve rule and feature-library changes
	ActExportAudit     Action = "export_audit"     // export signed audit packages
	ActManageAccounts  Action = "manage_accounts"  // create and disable accounts
	ActRotateKey       Action = "rotate_key"       // rotate the workspace signing key
	ActSetRetention    Action = "set_retention"    // set retention periods
	ActRunImport       Action = "run_import"       // import registries
	ActErasePersonal   Action = "erase_personal"   // carry out a PIPL Art. 47 deletion
	ActCheckpoint      Action = "checkpoint"       // sign the chain head on demand
)

var reviewerActs = []Action{ActClaim, ActEscalate, ActNote, ActRecordComplaint, ActRecordConsent, ActTrain}

var seniorActs = append(slices.Clone(reviewerActs), ActClaimEscalated, ActOverturn, ActResolveAppeal)

var permissions = map[Role][]Action{
	RoleReviewer: reviewerActs,
	RoleSenior:   seniorActs,
	RoleTrainer:  {ActBuildGold, ActRunTraining, ActCertify, ActSeeScores, ActExportAssess, ActTrain},
	RoleManager: append(slices.Clone(seniorActs), ActSeeAll, ActWithdrawConsent, ActUnmask,
		ActApproveRules, ActExportAudit, ActExportAssess, ActSeeScores, ActErasePersonal, ActCheckpoint),
	RoleAdmin: {ActManageAccounts, ActRotateKey, ActSetRetention, ActRunImport, ActExportAudit,
		ActErasePersonal, ActCheckpoint},
}

// Can reports whether role r may do a.
func (r Role) Can(a Action) bool { return slices.Contains(permissions[r], a) }

// Require returns an EFORBIDDEN error unless acct is active and its role
// allows a. Every service method that acts for a person calls it first.
func Require(acct Account, a Action) error {
	if acct.Disabled {
		return Errorf(EFORBIDDEN, "account %q is disabled", acct.Name)
	}
	if !acct.Role.Can(a) {
		return Errorf(EFORBIDDEN, "%s %q may not %s", acct.Role, acct.Name, a)
	}
	return nil
}
