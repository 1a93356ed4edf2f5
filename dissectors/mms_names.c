/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mms_names.c - ISO 9506-2 names for the numbers in a decoded MMS PDU: PDU types,
 * services (spelled as the ASN.1 module and tshark spell them), ServiceError
 * classes and codes, reject reasons, DataAccessError. Tables only, no logic. */
#include "mms.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const pdu_names[MMS_PDU_TYPE_COUNT] = {
	"confirmed-request", "confirmed-response", "confirmed-error",   "unconfirmed",      "reject",
	"cancel-request",    "cancel-response",    "cancel-error",      "initiate-request", "initiate-response",
	"initiate-error",    "conclude-request",   "conclude-response", "conclude-error",
};

/* ConfirmedServiceRequest/Response CHOICE, indexed by context tag number. */
static const char *const confirmed_services[] = {
	[0] = "status",
	[1] = "getNameList",
	[2] = "identify",
	[3] = "rename",
	[4] = "read",
	[5] = "write",
	[6] = "getVariableAccessAttributes",
	[7] = "defineNamedVariable",
	[8] = "defineScatteredAccess",
	[9] = "getScatteredAccessAttributes",
	[10] = "deleteVariableAccess",
	[11] = "defineNamedVariableList",
	[12] = "getNamedVariableListAttributes",
	[13] = "deleteNamedVariableList",
	[14] = "defineNamedType",
	[15] = "getNamedTypeAttributes",
	[16] = "deleteNamedType",
	[17] = "input",
	[18] = "output",
	[19] = "takeControl",
	[20] = "relinquishControl",
	[21] = "defineSemaphore",
	[22] = "deleteSemaphore",
	[23] = "reportSemaphoreStatus",
	[24] = "reportPoolSemaphoreStatus",
	[25] = "reportSemaphoreEntryStatus",
	[26] = "initiateDownloadSequence",
	[27] = "downloadSegment",
	[28] = "terminateDownloadSequence",
	[29] = "initiateUploadSequence",
	[30] = "uploadSegment",
	[31] = "terminateUploadSequence",
	[32] = "requestDomainDownload",
	[33] = "requestDomainUpload",
	[34] = "loadDomainContent",
	[35] = "storeDomainContent",
	[36] = "deleteDomain",
	[37] = "getDomainAttributes",
	[38] = "createProgramInvocation",
	[39] = "deleteProgramInvocation",
	[40] = "start",
	[41] = "stop",
	[42] = "resume",
	[43] = "reset",
	[44] = "kill",
	[45] = "getProgramInvocationAttributes",
	[46] = "obtainFile",
	[47] = "defineEventCondition",
	[48] = "deleteEventCondition",
	[49] = "getEventConditionAttributes",
	[50] = "reportEventConditionStatus",
	[51] = "alterEventConditionMonitoring",
	[52] = "triggerEvent",
	[53] = "defineEventAction",
	[54] = "deleteEventAction",
	[55] = "getEventActionAttributes",
	[56] = "reportEventActionStatus",
	[57] = "defineEventEnrollment",
	[58] = "deleteEventEnrollment",
	[59] = "alterEventEnrollment",
	[60] = "reportEventEnrollmentStatus",
	[61] = "getEventEnrollmentAttributes",
	[62] = "acknowledgeEventNotification",
	[63] = "getAlarmSummary",
	[64] = "getAlarmEnrollmentSummary",
	[65] = "readJournal",
	[66] = "writeJournal",
	[67] = "initializeJournal",
	[68] = "reportJournalStatus",
	[69] = "createJournal",
	[70] = "deleteJournal",
	[71] = "getCapabilityList",
	[72] = "fileOpen",
	[73] = "fileRead",
	[74] = "fileClose",
	[75] = "fileRename",
	[76] = "fileDelete",
	[77] = "fileDirectory",
};

static const char *const unconfirmed_services[] = {
	"informationReport",
	"unsolicitedStatus",
	"eventNotification",
};

static const char *const defect_names[] = {
	"none", "truncated", "invalid", "too_deep", "missing", "trailing",
};

/* ServiceError errorClass CHOICE alternatives, [0]..[12]. */
static const char *const error_classes[] = {
	"vmd-state",       "application-reference",
	"definition",      "resource",
	"service",         "service-preempt",
	"time-resolution", "access",
	"initiate",        "conclude",
	"cancel",          "file",
	"others",
};

static const char *const err_vmd_state[] = {
	"other", "vmd-state-conflict", "vmd-operational-problem", "domain-transfer-problem", "state-machine-id-invalid",
};
static const char *const err_application_reference[] = {
	"other", "application-unreachable", "connection-lost", "application-reference-invalid", "context-unsupported",
};
static const char *const err_definition[] = {
	"other",
	"object-undefined",
	"invalid-address",
	"type-unsupported",
	"type-inconsistent",
	"object-exists",
	"object-attribute-inconsistent",
};
static const char *const err_resource[] = {
	"other",
	"memory-unavailable",
	"processor-resource-unavailable",
	"mass-storage-unavailable",
	"capability-unavailable",
	"capability-unknown",
};
static const char *const err_service[] = {
	"other",    "primitives-out-of-sequence", "object-state-conflict",
	"pdu-size", "continuation-invalid",       "object-constraint-conflict",
};
static const char *const err_service_preempt[] = {
	"other",
	"timeout",
	"deadlock",
	"cancel",
};
static const char *const err_time_resolution[] = {
	"other",
	"unsupportable-time-resolution",
};
static const char *const err_access[] = {
	"other", "object-access-unsupported", "object-non-existent", "object-access-denied", "object-invalidated",
};
static const char *const err_initiate[] = {
	"other",
	"version-incompatible",
	"max-segment-insufficient",
	"max-services-outstanding-calling-insufficient",
	"max-services-outstanding-called-insufficient",
	"service-CBB-insufficient",
	"parameter-CBB-insufficient",
	"nesting-level-insufficient",
};
static const char *const err_conclude[] = {
	"other",
	"further-communication-required",
};
static const char *const err_cancel[] = {
	"other",
	"invoke-id-unknown",
	"cancel-not-possible",
};
static const char *const err_file[] = {
	"other",
	"filename-ambiguous",
	"file-busy",
	"filename-syntax-error",
	"content-type-invalid",
	"position-invalid",
	"file-access-denied",
	"file-non-existent",
	"duplicate-filename",
	"insufficient-space-in-filestore",
};

struct name_table {
	const char *const *names;
	size_t n;
};
#define TABLE(a) \
	{ \
		a, COUNT(a) \
	}

/* others [12] is a bare INTEGER with no named values. */
static const struct name_table error_codes[] = {
	TABLE(err_vmd_state),       TABLE(err_application_reference),
	TABLE(err_definition),      TABLE(err_resource),
	TABLE(err_service),         TABLE(err_service_preempt),
	TABLE(err_time_resolution), TABLE(err_access),
	TABLE(err_initiate),        TABLE(err_conclude),
	TABLE(err_cancel),          TABLE(err_file),
};

/* RejectPDU rejectReason CHOICE alternatives [1]..[11]. */
static const char *const reject_types[] = {
	NULL,
	"confirmed-requestPDU",
	"confirmed-responsePDU",
	"confirmed-errorPDU",
	"unconfirmedPDU",
	"pdu-error",
	"cancel-requestPDU",
	"cancel-responsePDU",
	"cancel-errorPDU",
	"conclude-requestPDU",
	"conclude-responsePDU",
	"conclude-errorPDU",
};

/* NULL entries are values ISO 9506 reserves. */
static const char *const rej_confirmed_request[] = {
	"other",
	"unrecognized-service",
	"unrecognized-modifier",
	"invalid-invokeID",
	"invalid-argument",
	"invalid-modifier",
	"max-serv-outstanding-exceeded",
	NULL,
	"max-recursion-exceeded",
	"value-out-of-range",
};
static const char *const rej_confirmed_response[] = {
	"other", "unrecognized-service",   "invalid-invokeID",   "invalid-result",
	NULL,    "max-recursion-exceeded", "value-out-of-range",
};
static const char *const rej_confirmed_error[] = {
	"other", "unrecognized-service", "invalid-invokeID", "invalid-serviceError", "value-out-of-range",
};
static const char *const rej_unconfirmed[] = {
	"other", "unrecognized-service", "invalid-argument", "max-recursion-exceeded", "value-out-of-range",
};
static const char *const rej_pdu_error[] = {
	"unknown-pdu-type",
	"invalid-pdu",
	"illegal-acse-mapping",
};
static const char *const rej_cancel_request[] = { "other", "invalid-invokeID" };
static const char *const rej_cancel_response[] = { "other", "invalid-invokeID" };
static const char *const rej_cancel_error[] = {
	"other",
	"invalid-invokeID",
	"invalid-serviceError",
	"value-out-of-range",
};
static const char *const rej_conclude_request[] = { "other", "invalid-argument" };
static const char *const rej_conclude_response[] = { "other", "invalid-result" };
static const char *const rej_conclude_error[] = {
	"other",
	"invalid-serviceError",
	"value-out-of-range",
};

static const struct name_table reject_codes[] = {
	{ NULL, 0 },
	TABLE(rej_confirmed_request),
	TABLE(rej_confirmed_response),
	TABLE(rej_confirmed_error),
	TABLE(rej_unconfirmed),
	TABLE(rej_pdu_error),
	TABLE(rej_cancel_request),
	TABLE(rej_cancel_response),
	TABLE(rej_cancel_error),
	TABLE(rej_conclude_request),
	TABLE(rej_conclude_response),
	TABLE(rej_conclude_error),
};

static const char *const data_access_errors[] = {
	"object-invalidated",        "hardware-fault",      "temporarily-unavailable",
	"object-access-denied",      "object-undefined",    "invalid-address",
	"type-unsupported",          "type-inconsistent",   "object-attribute-inconsistent",
	"object-access-unsupported", "object-non-existent", "object-value-invalid",
};

static const char *lookup(const char *const *names, size_t n, uint64_t i)
{
	return i < n ? names[i] : NULL;
}

const char *mms_pdu_name(uint8_t type)
{
	return lookup(pdu_names, COUNT(pdu_names), type);
}

bool mms_service_is_file(int service)
{
	switch (service) {
	case MMS_SVC_OBTAIN_FILE:
	case MMS_SVC_FILE_OPEN:
	case MMS_SVC_FILE_READ:
	case MMS_SVC_FILE_CLOSE:
	case MMS_SVC_FILE_RENAME:
	case MMS_SVC_FILE_DELETE:
	case MMS_SVC_FILE_DIRECTORY:
		return true;
	}
	return false;
}

const char *mms_service_name(uint8_t type, int service)
{
	if (service < 0)
		return NULL;
	switch (type) {
	case MMS_CONFIRMED_REQUEST:
	case MMS_CONFIRMED_RESPONSE:
		return lookup(confirmed_services, COUNT(confirmed_services), (unsigned)service);
	case MMS_UNCONFIRMED:
		return lookup(unconfirmed_services, COUNT(unconfirmed_services), (unsigned)service);
	}
	return NULL;
}

const char *mms_defect_name(uint8_t defect)
{
	return lookup(defect_names, COUNT(defect_names), defect);
}

const char *mms_error_class_name(uint8_t cls)
{
	return lookup(error_classes, COUNT(error_classes), cls);
}

const char *mms_error_code_name(uint8_t cls, uint32_t code)
{
	if (cls >= COUNT(error_codes))
		return NULL;
	return lookup(error_codes[cls].names, error_codes[cls].n, code);
}

const char *mms_reject_type_name(uint8_t type)
{
	return lookup(reject_types, COUNT(reject_types), type);
}

const char *mms_reject_code_name(uint8_t type, int64_t code)
{
	if (type >= COUNT(reject_codes) || code < 0)
		return NULL;
	return lookup(reject_codes[type].names, reject_codes[type].n, (uint64_t)code);
}

const char *mms_data_access_error_name(uint32_t code)
{
	return lookup(data_access_errors, COUNT(data_access_errors), code);
}
