"""Feature rules (SP101-SP108): each source is a whole plan; line 1 is <Configuration>."""

from __future__ import annotations

from serviceplan.model import Severity


def test_valid_plan_has_no_findings(check) -> None:
    check("""
        <Configuration>
          <Organization>
            <AddressListsEnabled>true</AddressListsEnabled>
            <MailTipsEnabled>1</MailTipsEnabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <PopEnabled> true </PopEnabled>
              <ProhibitSendReceiveMaiboxQuota>10 GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """)


# SP103 feature-out-of-order


def test_out_of_order_names_the_neighbour_it_belongs_after(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <MailTipsEnabled>true</MailTipsEnabled>
            <AddressListsEnabled>true</AddressListsEnabled>
            <AutoReplyEnabled>true</AutoReplyEnabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP103", 3),
    )
    assert finding.message.startswith("MailTipsEnabled is out of the schema's order")
    assert "after AutoReplyEnabled (line 5)" in finding.message
    assert finding.path == "/Configuration/Organization/MailTipsEnabled"


def test_out_of_order_flags_the_fewest_moves(check) -> None:
    # C A B: moving C alone restores the order, so A and B are not flagged
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <CommonConfiguration>true</CommonConfiguration>
            <AddressListsEnabled>true</AddressListsEnabled>
            <AutoReplyEnabled>true</AutoReplyEnabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP103", 3),
    )
    assert finding.message.startswith("CommonConfiguration")
    assert "after AutoReplyEnabled (line 5)" in finding.message


def test_out_of_order_first_element_belongs_before(check) -> None:
    # B C A: A is the one to move, and it goes before the first kept element
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <AutoReplyEnabled>true</AutoReplyEnabled>
            <CommonConfiguration>true</CommonConfiguration>
            <AddressListsEnabled>true</AddressListsEnabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP103", 5),
    )
    assert finding.message.startswith("AddressListsEnabled")
    assert "before AutoReplyEnabled (line 3)" in finding.message


def test_out_of_order_groups_quota_before_permission(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <OWAPermissions>true</OWAPermissions>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP103", 5),
    )
    assert finding.message.startswith("OWAPermissions")
    assert "before ContactCountQuota (line 3)" in finding.message


def test_schema_order_is_not_a_plain_sort(check) -> None:
    # the schema puts MSOSyncEnabled before LicenseEnforcementEnabled; following it is fine
    check(
        """
        <Configuration>
          <Organization>
            <MSOSyncEnabled>false</MSOSyncEnabled>
            <LicenseEnforcementEnabled>false</LicenseEnforcementEnabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP106", 3),
        ("SP106", 4),
    )


def test_out_of_order_in_a_mailbox_plan(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <MaxReceiveTransportQuota>10MB</MaxReceiveTransportQuota>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
              <PopEnabled>true</PopEnabled>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP103", 14),
    )
    assert finding.message.startswith("PopEnabled")
    assert "in mailbox plan 'Standard'" in finding.message
    assert "before MaxReceiveTransportQuota (line 12)" in finding.message
    assert finding.path == "/Configuration/MailboxPlans/MailboxPlan[1]/PopEnabled"


# SP104 duplicate-feature


def test_duplicate_names_the_first_line(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <MailTipsEnabled>true</MailTipsEnabled>
            <MailTipsEnabled>false</MailTipsEnabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP104", 4),
    )
    assert "MailTipsEnabled appears twice" in finding.message
    assert "first at line 3" in finding.message


def test_duplicate_in_a_mailbox_plan(check) -> None:
    check(
        """
        <Configuration>
          <Organization>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
              <ProhibitSendReceiveMaiboxQuota>3GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP104", 13),
    )


# SP102 wrong-section


def test_wrong_section_in_both_directions(check) -> None:
    org, plan = check(
        """
        <Configuration>
          <Organization>
            <PopEnabled>true</PopEnabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
              <MailboxCountQuota>5</MailboxCountQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP102", 3),
        ("SP102", 14),
    )
    assert "PopEnabled is a MailboxPlan feature" in org.message
    assert "MailboxPlan" in org.hint
    assert "MailboxCountQuota" in plan.message
    assert "mailbox plan 'Standard'" in plan.message
    assert "Organization" in plan.hint
    assert plan.path == "/Configuration/MailboxPlans/MailboxPlan[1]/MailboxCountQuota"


# SP101 unknown-feature


def test_unknown_features_with_did_you_mean(check) -> None:
    alias, case, close, nothing = check(
        """
        <Configuration>
          <Organization>
            <AddressListEnabled>true</AddressListEnabled>
            <addresslistsenabled>true</addresslistsenabled>
            <MessageTrac>true</MessageTrac>
            <Zzzzzzzz>true</Zzzzzzzz>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP101", 3),
        ("SP101", 4),
        ("SP101", 5),
        ("SP101", 6),
    )
    assert "AddressListEnabled is not a known Organization feature" in alias.message
    assert "did you mean AddressListsEnabled?" in alias.hint
    assert "documentation" in alias.hint
    assert "did you mean AddressListsEnabled?" in case.hint
    assert "case-sensitive" in case.hint
    assert "did you mean MessageTrace?" in close.hint
    assert "did you mean" not in nothing.hint
    assert nothing.hint  # the rule's generic hint
    assert alias.path == "/Configuration/Organization/AddressListEnabled"


def test_documented_spelling_mailtips(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <MailtipsEnabled>true</MailtipsEnabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP101", 3),
    )
    assert "did you mean MailTipsEnabled?" in finding.hint


def test_mailbox_size_spelled_with_the_l(check) -> None:
    # the correct-looking spelling is unknown, and the plan then lacks its mailbox size
    unknown, missing = check(
        """
        <Configuration>
          <Organization>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMailboxQuota>2GB</ProhibitSendReceiveMailboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP101", 12),
        ("SP305", 11),
    )
    assert "did you mean ProhibitSendReceiveMaiboxQuota?" in unknown.hint
    assert "MailboxPlan" in unknown.message
    assert missing.rule == "SP305"


# SP106 datacenter-only-feature


def test_datacenter_only_feature(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <PilotEnabled>true</PilotEnabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <SingleItemRecoveryEnabled>false</SingleItemRecoveryEnabled>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP106", 3),
        ("SP106", 13),
    )[:1]
    assert "PilotEnabled is a datacenter-only feature" in finding.message
    assert finding.severity is Severity.ERROR


# SP107 invalid-value


def test_invalid_values_of_each_type(check) -> None:
    findings = check(
        """
        <Configuration>
          <Organization>
            <MailTipsEnabled>yes</MailTipsEnabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>-5</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>lots</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <MaxReceiveTransportQuota>10XB</MaxReceiveTransportQuota>
              <MaxRecipientsTransportQuota>40000</MaxRecipientsTransportQuota>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP107", 3),
        ("SP107", 5),
        ("SP107", 7),
        ("SP107", 13),
        ("SP107", 14),
    )
    messages = {f.location.line: f.message for f in findings}
    assert messages[3].startswith("MailTipsEnabled has the value 'yes'")
    assert "true or false" in messages[3]
    assert "'-5'" in messages[5]
    assert "'lots'" in messages[7]
    assert "byte quantity" in messages[13]
    assert "above the maximum 32767" in messages[14]
    assert {f.path for f in findings} >= {
        "/Configuration/MailboxPlans/MailboxPlan[1]/MaxRecipientsTransportQuota"
    }


def test_an_invalid_required_quota_is_not_also_missing(check) -> None:
    check(
        """
        <Configuration>
          <Organization>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>ten</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP107", 4),
    )


# SP108 unexpected-content


def test_child_elements(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <MailTipsEnabled><value>true</value></MailTipsEnabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP108", 3),
    )
    assert "MailTipsEnabled holds child elements" in finding.message


def test_a_comment_inside_a_feature_is_not_a_child(check) -> None:
    check("""
        <Configuration>
          <Organization>
            <MailTipsEnabled>true<!-- on --></MailTipsEnabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """)


# SP105 required-quota-missing, SP305 mailbox-size-missing


def test_required_quota_missing_at_the_organization(check) -> None:
    findings = check(
        """
        <Configuration>
          <Organization>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP105", 2),
        ("SP105", 2),
        ("SP105", 2),
    )
    missing = sorted(f.message.split()[-1] for f in findings)
    assert missing == [
        "DistributionListCountQuota",
        "MailUserCountQuota",
        "RecipientMailSubmissionRateQuota",
    ]
    assert all("the Organization does not set" in f.message for f in findings)


def test_mailbox_size_missing(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <PopEnabled>true</PopEnabled>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP305", 11),
    )
    assert "mailbox plan 'Standard' does not set ProhibitSendReceiveMaiboxQuota" in finding.message
