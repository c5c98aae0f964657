//! From the element tree to [`Memo`]: the field-by-field mapping of the MeMo model.
//!
//! Elements are matched by local name, so `memo:label`, `label` in a default namespace and
//! `kle:subjectKey` all read the same. Unknown elements are skipped: a MeMo 1.3 field that
//! this version does not know costs nothing, and a 1.1 message simply lacks the 1.2 ones.

use super::content::{self, Payload};
use super::model::*;
use super::xml::Element;
use crate::{Error, ErrorKind, Result};

/// The MeMo XML namespace.
pub(crate) const MEMO_NAMESPACE: &str = "https://DigitalPost.dk/MeMo-1";

/// Reads the whole message. Base64 file contents are decoded on the way (for their size,
/// and their bytes when they are text-like); the decoded files come back as payloads, in
/// document order, at most `max_files` of them, with the number of files seen.
pub(crate) fn memo(root: &Element, max_files: usize) -> Result<(Memo, Files)> {
    check_root(root)?;
    let version = root
        .attribute("memoVersion")
        .map(MemoVersion::parse)
        .ok_or_else(|| missing("the `memoVersion` attribute of `Message`"))?;
    let header = root
        .child("MessageHeader")
        .ok_or_else(|| missing("`MessageHeader`"))?;
    let message_type = header
        .text_of("messageType")
        .map(|t| MessageType::parse(&t))
        .ok_or_else(|| missing("`MessageHeader/messageType`"))?;
    let uuid = header
        .text_of("messageUUID")
        .ok_or_else(|| missing("`MessageHeader/messageUUID`"))?;
    let mut files = Files {
        max: max_files,
        ..Files::default()
    };
    let body = root.child("MessageBody");
    let documents = match body {
        Some(body) => documents(body, &mut files)?,
        None => Vec::new(),
    };
    let memo = Memo {
        version,
        message_type,
        uuid,
        message_id: header.text_of("messageID"),
        message_code: header.text_of("messageCode"),
        label: header.text_of("label"),
        notification: header.text_of("notification"),
        additional_notification: header.text_of("additionalNotification"),
        reply: flag(header, "reply"),
        reply_by: header.text_of("replyByDateTime"),
        do_not_deliver_until: header.text_of("doNotDeliverUntilDate"),
        mandatory: flag(header, "mandatory"),
        legal_notification: flag(header, "legalNotification"),
        post_type: header.text_of("postType"),
        sender: header.child("Sender").map(|s| party(s, "senderID")),
        recipient: header.child("Recipient").map(|r| party(r, "recipientID")),
        content: header
            .child("ContentData")
            .map(content_data)
            .unwrap_or_default(),
        forward: header.child("ForwardData").map(forward_data),
        replies: header.children("ReplyData").map(reply_data).collect(),
        created: body.and_then(|b| b.text_of("createdDateTime")),
        documents,
    };
    Ok((memo, files))
}

/// The root must be `Message`, in the MeMo namespace or in none (some sender systems write
/// MeMo without namespaces).
fn check_root(root: &Element) -> Result<()> {
    let namespace_ok = match root.namespace.as_deref() {
        None => true,
        Some(ns) => ns
            .trim_end_matches('/')
            .eq_ignore_ascii_case(MEMO_NAMESPACE),
    };
    if root.name == "Message" && namespace_ok {
        return Ok(());
    }
    let ns = root
        .namespace
        .as_deref()
        .map(|n| format!(" in namespace {}", quoted_name(n)))
        .unwrap_or_default();
    Err(Error::new(
        ErrorKind::Parse,
        format!(
            "not a MeMo message: the root element is {}{ns}, expected `Message` in `{MEMO_NAMESPACE}`",
            quoted_name(&root.name)
        ),
    ))
}

/// A name from the input (the root element's name or namespace), quoted for an error
/// message only when it cannot hold a number such as a CPR number: error messages reach
/// hosts' logs, and they never quote what a message says (`signatur_last_error`).
fn quoted_name(name: &str) -> String {
    if name.len() <= 64 && !name.bytes().any(|b| b.is_ascii_digit()) {
        format!("`{name}`")
    } else {
        format!("a name of {} bytes with digits (not shown)", name.len())
    }
}

fn missing(what: &str) -> Error {
    Error::new(ErrorKind::Parse, format!("MeMo message without {what}"))
}

/// `true`/`false` (and `1`/`0`, which `xs:boolean` allows); anything else is treated as absent.
fn flag(parent: &Element, name: &str) -> Option<bool> {
    match parent.text_of(name)?.as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// An [`Identified`] from the child `element` with id and label children `id` and `label`.
fn identified(parent: &Element, element: &str, id: &str, label: &str) -> Option<Identified> {
    parent.child(element).map(|e| Identified {
        id: e.text_of(id),
        label: e.text_of(label),
    })
}

fn contact_detail(parent: &Element, element: &str, value: &str) -> Option<ContactDetail> {
    parent.child(element).map(|e| ContactDetail {
        value: e.text_of(value),
        related_agent: e.text_of("relatedAgent"),
    })
}

fn label_values<'a>(parent: &'a Element, element: &'a str) -> Vec<LabelValue> {
    parent
        .children(element)
        .map(|e| LabelValue {
            label: e.text_of("label"),
            value: e.text_of("value"),
        })
        .collect()
}

fn party(e: &Element, id_element: &str) -> Party {
    Party {
        id: e.text_of(id_element),
        id_type: e.text_of("idType").map(|t| IdType::parse(&t)),
        id_type_label: e.text_of("idTypeLabel"),
        label: e.text_of("label"),
        attention: e.child("AttentionData").map(attention_data),
        contact_point: e.child("ContactPoint").map(|c| ContactPoint {
            contact_group: c.text_of("contactGroup"),
            id: c.text_of("contactPointID"),
            label: c.text_of("label"),
            info: label_values(c, "ContactInfo"),
        }),
        representative: e.child("Representative").map(|r| Representative {
            id: r.text_of("representativeID"),
            id_type: r.text_of("idType").map(|t| IdType::parse(&t)),
            label: r.text_of("label"),
        }),
    }
}

fn attention_data(a: &Element) -> AttentionData {
    AttentionData {
        person: identified(a, "AttentionPerson", "personID", "label"),
        production_unit: production_unit(a),
        global_location_number: identified(
            a,
            "GlobalLocationNumber",
            "globalLocationNumber",
            "location",
        ),
        email: contact_detail(a, "EMail", "emailAddress"),
        se_number: identified(a, "SEnumber", "seNumber", "companyName"),
        telephone: contact_detail(a, "Telephone", "telephoneNumber"),
        eid: identified(a, "EID", "eID", "label"),
        content_responsible: identified(a, "ContentResponsible", "contentResponsibleID", "label"),
        generating_system: identified(a, "GeneratingSystem", "generatingSystemID", "label"),
        sor: identified(a, "SORdata", "sorIdentifier", "entryName"),
        address: postal_address(a),
        unstructured_address: unstructured_address(a),
    }
}

fn production_unit(parent: &Element) -> Option<Identified> {
    identified(
        parent,
        "ProductionUnit",
        "productionUnitNumber",
        "productionUnitName",
    )
}

fn unstructured_address(parent: &Element) -> Option<String> {
    parent
        .child("UnstructuredAddress")
        .and_then(|u| u.text_of("unstructured"))
}

fn postal_address(parent: &Element) -> Option<PostalAddress> {
    parent.child("Address").map(|a| PostalAddress {
        id: a.text_of("id"),
        street: a.text_of("addressLabel"),
        house_number: a.text_of("houseNumber"),
        floor: a.text_of("floor"),
        door: a.text_of("door"),
        co: a.text_of("co"),
        zip_code: a.text_of("zipCode"),
        city: a.text_of("city"),
        country: a.text_of("country"),
    })
}

fn content_data(c: &Element) -> ContentData {
    ContentData {
        cpr: c.child("CPRdata").map(|e| CprData {
            cpr: e.text_of("cprNumber"),
            name: e.text_of("name"),
        }),
        cvr: c.child("CVRdata").map(|e| CvrData {
            cvr: e.text_of("cvrNumber"),
            company_name: e.text_of("companyName"),
        }),
        motor_vehicle: c.child("MotorVehicle").map(|e| MotorVehicle {
            license_number: e.text_of("licenseNumber"),
            chassis_number: e.text_of("chassisNumber"),
        }),
        property_number: c
            .child("PropertyNumber")
            .and_then(|p| p.text_of("propertyNumber")),
        case_ids: c
            .children("CaseID")
            .map(|e| CaseId {
                case_id: e.text_of("caseID"),
                case_system: e.text_of("caseSystem"),
            })
            .collect(),
        kle: c
            .children("KLEdata")
            .map(|e| KleData {
                subject_key: e.text_of("subjectKey"),
                version: e.text_of("version"),
                activity_facet: e.text_of("activityFacet"),
                label: e.text_of("label"),
            })
            .collect(),
        form: c
            .children("FORMdata")
            .map(|e| FormData {
                task_key: e.text_of("taskKey"),
                version: e.text_of("version"),
                activity_facet: e.text_of("activityFacet"),
                label: e.text_of("label"),
            })
            .collect(),
        production_unit: production_unit(c),
        education: identified(c, "Education", "educationCode", "educationName"),
        address: postal_address(c),
        unstructured_address: unstructured_address(c),
        additional: c
            .children("AdditionalContentData")
            .map(|e| AdditionalContentData {
                data_type: e.text_of("contentDataType"),
                name: e.text_of("contentDataName"),
                value: e.text_of("contentDataValue"),
            })
            .collect(),
    }
}

fn forward_data(f: &Element) -> ForwardData {
    ForwardData {
        message_uuid: f.text_of("messageUUID"),
        original_message_date_time: f.text_of("originalMessageDateTime"),
        original_sender: f.text_of("originalSender"),
        original_content_responsible: f.text_of("originalContentResponsible"),
        original_representative: f.text_of("originalRepresentative"),
        contact_point_id: f.text_of("contactPointID"),
        comment: f.text_of("comment"),
    }
}

fn reply_data(r: &Element) -> ReplyData {
    ReplyData {
        message_id: r.text_of("messageID"),
        message_uuid: r.text_of("messageUUID"),
        reply_uuid: r.text_of("replyUUID"),
        sender_id: r.text_of("senderID"),
        recipient_id: r.text_of("recipientID"),
        case_id: r.text_of("caseID"),
        contact_point_id: r.text_of("contactPointID"),
        generating_system_id: r.text_of("generatingSystemID"),
        comment: r.text_of("comment"),
        additional: label_values(r, "AdditionalReplyData"),
    }
}

/// The decoded files of the body, in document order, and how many there were in all.
#[derive(Default)]
pub(crate) struct Files {
    /// The first `max` files.
    pub(crate) kept: Vec<Payload>,
    /// How many files the body has (may exceed `kept.len()`).
    pub(crate) seen: usize,
    max: usize,
}

fn documents(body: &Element, files: &mut Files) -> Result<Vec<Document>> {
    let mut out = Vec::new();
    for element in &body.children {
        let (kind, id_element) = match element.name.as_str() {
            "MainDocument" => (DocumentKind::Main, "mainDocumentID"),
            "AdditionalDocument" => (DocumentKind::Additional, "additionalDocumentID"),
            "TechnicalDocument" => (DocumentKind::Technical, "technicalDocumentID"),
            _ => continue,
        };
        let mut infos = Vec::new();
        for (i, file) in element.children("File").enumerate() {
            files.seen += 1;
            // Past the limit a file is still described (its size needs no decoding beyond
            // a count), but its bytes are not kept.
            let keep = files.kept.len() < files.max;
            let nth = out.iter().filter(|d: &&Document| d.kind == kind).count() + 1;
            let path = format!("{}[{nth}]/File[{}]", element.name, i + 1);
            let payload = content::decode_file(file, kind, &path, keep);
            infos.push(payload.info.clone());
            if keep {
                files.kept.push(payload);
            }
        }
        out.push(Document {
            kind,
            id: element.text_of(id_element),
            label: element.text_of("label"),
            files: infos,
            actions: element.children("Action").map(action).collect(),
        });
    }
    Ok(out)
}

fn action(a: &Element) -> Action {
    Action {
        label: a.text_of("label"),
        action_code: a.text_of("actionCode"),
        start: a.text_of("startDateTime"),
        end: a.text_of("endDateTime"),
        url: a.child("EntryPoint").and_then(|e| e.text_of("url")),
    }
}
