/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mms.h - ISO 9506 MMS PDUs, decoded into one flat struct of views.
 *
 * mms_decode() is a pure function over a bounded reader: no allocation, no globals.
 * Everything in struct mms_pdu points into the bytes it was decoded from and is
 * valid only as long as they are (the event callback). Lists are capped; a count
 * of what was left out is kept so nothing goes unseen silently.
 */
#ifndef MMSW_MMS_H
#define MMSW_MMS_H

#include "ber.h"
#include "limits.h"

/* The outer CHOICE tag number is the PDU type. */
enum mms_pdu_type {
	MMS_CONFIRMED_REQUEST = 0,
	MMS_CONFIRMED_RESPONSE = 1,
	MMS_CONFIRMED_ERROR = 2,
	MMS_UNCONFIRMED = 3,
	MMS_REJECT = 4,
	MMS_CANCEL_REQUEST = 5,
	MMS_CANCEL_RESPONSE = 6,
	MMS_CANCEL_ERROR = 7,
	MMS_INITIATE_REQUEST = 8,
	MMS_INITIATE_RESPONSE = 9,
	MMS_INITIATE_ERROR = 10,
	MMS_CONCLUDE_REQUEST = 11,
	MMS_CONCLUDE_RESPONSE = 12,
	MMS_CONCLUDE_ERROR = 13,
	MMS_PDU_TYPE_COUNT
};

/* Confirmed service tag numbers used below by name (ISO 9506-2). */
enum mms_service {
	MMS_SVC_NONE = -1,
	MMS_SVC_STATUS = 0,
	MMS_SVC_GET_NAME_LIST = 1,
	MMS_SVC_IDENTIFY = 2,
	MMS_SVC_RENAME = 3,
	MMS_SVC_READ = 4,
	MMS_SVC_WRITE = 5,
	MMS_SVC_GET_VAR_ACCESS_ATTR = 6,
	MMS_SVC_DEFINE_NVL = 11,
	MMS_SVC_GET_NVL_ATTR = 12,
	MMS_SVC_DELETE_NVL = 13,
	MMS_SVC_GET_DOMAIN_ATTR = 37,
	MMS_SVC_OBTAIN_FILE = 46,
	MMS_SVC_READ_JOURNAL = 65,
	MMS_SVC_WRITE_JOURNAL = 66,
	MMS_SVC_INITIALIZE_JOURNAL = 67,
	MMS_SVC_REPORT_JOURNAL_STATUS = 68,
	MMS_SVC_GET_CAPABILITY_LIST = 71,
	MMS_SVC_FILE_OPEN = 72,
	MMS_SVC_FILE_READ = 73,
	MMS_SVC_FILE_CLOSE = 74,
	MMS_SVC_FILE_RENAME = 75,
	MMS_SVC_FILE_DELETE = 76,
	MMS_SVC_FILE_DIRECTORY = 77,
};

/* Unconfirmed service tag numbers. */
enum mms_unconfirmed_service {
	MMS_USVC_INFORMATION_REPORT = 0,
	MMS_USVC_UNSOLICITED_STATUS = 1,
	MMS_USVC_EVENT_NOTIFICATION = 2,
};

enum mms_status {
	MMS_OK = 0,
	MMS_MALFORMED, /* the PDU type is known but the rest is cut short or invalid */
	MMS_NOT_MMS,   /* the outer tag is not an MMS PDU */
};

/* Why a PDU is malformed (the first problem met). */
enum mms_defect {
	MMS_DEFECT_NONE = 0,
	MMS_DEFECT_TRUNCATED, /* the bytes ended early */
	MMS_DEFECT_INVALID,   /* impossible encoding */
	MMS_DEFECT_TOO_DEEP,  /* BER nesting limit hit */
	MMS_DEFECT_MISSING,   /* a mandatory element is absent (e.g. no service) */
	MMS_DEFECT_TRAILING,  /* bytes after the PDU */
};

enum mms_scope { MMS_SCOPE_VMD = 0, MMS_SCOPE_DOMAIN = 1, MMS_SCOPE_AA = 2 };

/* ObjectName: vmd-specific, domain-specific (domain + item), aa-specific. */
struct mms_objname {
	uint8_t scope;       /* enum mms_scope */
	struct bview domain; /* domain-specific only */
	struct bview item;
};

/* ServiceError: errorClass CHOICE tag and its code, additionalCode if present. */
struct mms_service_error {
	bool present;
	uint8_t error_class; /* 0 vmd-state .. 12 others */
	uint32_t error_code;
	bool has_additional_code;
	int64_t additional_code;
};

struct mms_initiate {
	bool has_local_detail, has_max_serv_calling, has_max_serv_called, has_nesting;
	bool has_version;
	int32_t local_detail;      /* proposed/negotiated max PDU size */
	uint32_t max_serv_calling; /* maxServOutstandingCalling */
	uint32_t max_serv_called;  /* maxServOutstandingCalled */
	uint32_t nesting;          /* dataStructureNestingLevel */
	uint32_t version;          /* versionNumber */
	struct bview param_cbb;    /* parameterCBB bit string bits */
	uint32_t param_cbb_bits;
	struct bview services; /* servicesSupported bit string bits */
	uint32_t services_bits;
};

struct mms_reject {
	bool has_original_invoke;
	uint32_t original_invoke;
	uint8_t reason_type; /* rejectReason CHOICE tag 1..11 */
	int64_t reason_code;
};

struct mms_identify {
	struct bview vendor, model, revision;
};

struct mms_file {
	struct bview name;  /* first GraphicString of the FileName */
	struct bview name2; /* obtainFile destination / fileRename new name */
	bool has_frsm;
	int32_t frsm_id; /* fileOpen response, fileRead/fileClose request */
	bool has_size;
	uint32_t size;              /* fileOpen response sizeOfFile */
	uint32_t position;          /* fileOpen request initialPosition */
	uint32_t data_len;          /* fileRead response fileData length */
	struct bview data;          /* fileRead response fileData */
	struct bview last_modified; /* fileOpen response: GeneralizedTime, as on the wire */
};

/* One DirectoryEntry of a FileDirectory response (mms_directory_next). */
struct mms_dir_entry {
	struct bview name;   /* the first GraphicString of its FileName */
	uint32_t name_parts; /* GraphicStrings in the FileName */
	bool has_size;
	uint32_t size;              /* sizeOfFile */
	struct bview last_modified; /* GeneralizedTime as on the wire; p NULL when absent */
};

/* ReadJournal-Request beyond its journalName (IEC 61850 QueryLogByTime and
 * QueryLogAfter). Times are TimeOfDay contents (mms_data_binary_time). */
struct mms_journal_req {
	struct bview start_time;  /* rangeStartSpecification startingTime [0] */
	struct bview start_entry; /* ... startingEntry [1] */
	struct bview stop_time;   /* rangeStopSpecification endingTime [0] */
	bool has_stop_count;
	int32_t stop_count;   /* ... numberOfEntries [1] */
	uint32_t n_variables; /* listOfVariables [4] */
	struct rd variables;
	bool has_after; /* entryToStartAfter [5] */
	struct bview after_time, after_entry;
	/* InitializeJournal-Request limitSpecification [1] (the journal is list_name) */
	struct bview limit_time, limit_entry;
};

struct mms_pdu {
	uint8_t type;    /* enum mms_pdu_type */
	uint8_t defect;  /* enum mms_defect; non-zero means malformed */
	int16_t service; /* confirmed/unconfirmed service tag; -1 none */
	bool has_invoke;
	uint32_t invoke_id;

	/* Variable access: listOfVariable names, or a named variable list. */
	bool has_list_name;
	struct mms_objname list_name; /* variableListName / NVL name / journal name */
	uint16_t n_objs;              /* names kept in objs[] */
	uint32_t n_objs_total;        /* names on the wire (may exceed n_objs) */
	struct mms_objname objs[MMSW_MMS_MAX_OBJS];

	/* SEQUENCE OF Data (write request, read/report results: AccessResult,
	 * write response: failure/success). Walk with mms_data_next(). */
	bool has_data;
	uint32_t n_data; /* elements in the list */
	struct rd data;  /* contents of the SEQUENCE OF */

	/* GetNameList response identifiers, fileDirectory entries (DeleteNVL names
	 * are in objs[]). */
	uint32_t n_names;
	struct rd names;       /* contents: a SEQUENCE OF Identifier/entries */
	bool has_more_follows; /* the response has moreFollows (DEFAULT applied) */
	bool more_follows;

	/* getNameList request */
	int32_t object_class;        /* basicObjectClass, -1 when absent */
	uint8_t object_scope;        /* enum mms_scope */
	struct bview scope_domain;   /* domainSpecific scope */
	struct bview continue_after; /* also fileDirectory's; readJournal: non-NULL when
	                                * entryToStartAfter is present, its EntryID if any */

	bool spec_with_result; /* read request */
	bool mms_deletable;    /* GetVAA / GetNVLA response */
	bool has_type_spec;
	struct rd type_spec;       /* GetVariableAccessAttributes typeSpecification:
	                                * walk with mms_type.h (checked whole) */
	uint32_t type_nodes;       /* nodes in it */
	uint32_t matched, deleted; /* deleteNVL response */
	int32_t delete_scope;      /* deleteNVL request scopeOfDelete [0]: 0 specific,
	                                * 1 aa-specific, 2 domain, 3 vmd; -1 absent */
	uint32_t entries;          /* readJournal response entries */
	struct rd journal_entries; /* readJournal response: SEQUENCE OF JournalEntry
	                                * contents (mms_journal_next) */
	struct mms_journal_req journal;
	bool has_journal_deleted;
	uint32_t journal_deleted; /* initializeJournal response: entries deleted */
	bool has_journal_status;  /* reportJournalStatus response */
	uint32_t journal_current; /* currentEntries */
	bool journal_permanent;

	struct mms_initiate init;
	struct mms_service_error error; /* confirmed/initiate/conclude/cancel error */
	struct mms_reject reject;
	struct mms_identify identify;
	struct mms_file file;
	struct {
		int32_t logical, physical;
		bool present;
	} status; /* status response */
};

/* Decode one MMS PDU occupying all of r. Fills what it can even when malformed. */
enum mms_status mms_decode(struct rd r, struct mms_pdu *out);

/* True when b can be the first octet of an MMS PDU (used to infer the presentation
 * context of an association picked up mid-stream, and to spot bare MMS on COTP). */
bool mms_first_octet(uint8_t b);

/* The next entry of a FileDirectory response's list (mms_pdu.names): false at the
 * end or at an entry that is not a DirectoryEntry (the decoder counted them). */
bool mms_directory_next(struct rd *list, struct mms_dir_entry *e);

/* One JournalEntry of a ReadJournal response (mms_pdu.journal_entries): its
 * EntryID, occurrenceTime (TimeOfDay contents), and either the data
 * (listOfVariables: SEQUENCE OF { variableTag [0], valueSpecification [1] },
 * walk with mms_journal_variable_next) or an annotation. */
struct mms_journal_entry {
	struct bview entry_id;
	struct bview time;
	bool has_variables;
	struct rd variables;
	bool has_annotation;
	struct bview annotation;
};
bool mms_journal_next(struct rd *list, struct mms_journal_entry *e);
/* The next variable of an entry: its tag and the contents holding its one Data. */
bool mms_journal_variable_next(struct rd *list, struct bview *tag, struct rd *value);

/* A GeneralizedTime ("20200621045335.000Z", "20240327122945Z", local time without
 * the Z, or with an offset "+0200") as ISO 8601 ("2020-06-21T04:53:35.000Z";
 * local times without a zone). Returns the length, 0 when it is not one. */
size_t mms_generalized_time_iso(struct bview gt, char *buf, size_t size);

const char *mms_pdu_name(uint8_t type);                  /* "confirmed-request", ... */
const char *mms_service_name(uint8_t type, int service); /* ISO 9506 ASN.1 name or NULL */
bool mms_service_is_file(int service);                   /* ObtainFile, FileOpen/Read/Close/Rename/Delete/Directory */
const char *mms_defect_name(uint8_t defect);
const char *mms_error_class_name(uint8_t cls);
const char *mms_error_code_name(uint8_t cls, uint32_t code); /* NULL if unknown */
const char *mms_reject_type_name(uint8_t type);
const char *mms_reject_code_name(uint8_t type, int64_t code); /* NULL if unknown */
const char *mms_data_access_error_name(uint32_t code);

#endif
