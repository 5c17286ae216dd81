"""Mailbox-plan rules (SP301-SP307). Each source is a whole plan; the Organization is valid
and always lines 2-9, so <MailboxPlans> is line 10 and the first <MailboxPlan> line 11."""

from __future__ import annotations


def test_empty_mailbox_plans(check) -> None:
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
          </MailboxPlans>
        </Configuration>
    """,
        ("SP301", 10),
    )
    assert "no MailboxPlan" in finding.message


def test_mailbox_plans_holding_only_other_elements_is_empty(check) -> None:
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
          <MailboxPlans><Plan Name="x"/></MailboxPlans>
        </Configuration>
    """,
        ("SP301", 10),
    )


def test_no_default_mailbox_plan(check) -> None:
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
            <MailboxPlan Name="A" MailboxPlanIndex="0" ProvisionAsDefault="false">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="B" MailboxPlanIndex="1">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP302", 10),
    )
    assert "none has" in finding.message


def test_two_default_mailbox_plans_point_at_the_second(check) -> None:
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
            <MailboxPlan Name="A" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="B" MailboxPlanIndex="1" ProvisionAsDefault="1">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP302", 14),
    )
    assert "2 have ('A', 'B')" in finding.message


def test_duplicate_name_and_index(check) -> None:
    name, index = check(
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
            <MailboxPlan Name="A" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="A" MailboxPlanIndex=" 0 ">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP303", 14),
        ("SP304", 14),
    )
    assert name.rule == "SP303"
    assert "same Name as the mailbox plan at line 11" in name.message
    assert "same MailboxPlanIndex as the mailbox plan at line 11" in index.message
    assert index.path == "/Configuration/MailboxPlans/MailboxPlan[2]"


def test_names_differing_in_case_are_distinct(check) -> None:
    check("""
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
            <MailboxPlan Name="Basic" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="basic" MailboxPlanIndex="1">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """)


def test_third_duplicate_points_at_the_first(check) -> None:
    findings = check(
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
            <MailboxPlan Name="A" MailboxPlanIndex="1" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="B" MailboxPlanIndex="2">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="C" MailboxPlanIndex="1">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP304", 17),
    )
    assert "mailbox plan 'C'" in findings[0].message
    assert "at line 11" in findings[0].message


def test_bad_attributes(check) -> None:
    findings = check(
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
            <MailboxPlan ProvisionAsDefault="maybe">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="B" MailboxPlanIndex="x" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="C" MailboxPlanIndex="200">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP307", 11),
        ("SP307", 11),
        ("SP307", 11),
        ("SP307", 14),
        ("SP307", 17),
    )
    first = " | ".join(f.message for f in findings if f.location.line == 11)
    assert "without a Name" in first
    assert "has no MailboxPlanIndex" in first
    assert "ProvisionAsDefault 'maybe'" in first
    (bad_index,) = [f for f in findings if f.location.line == 14]
    assert "mailbox plan 'B' has MailboxPlanIndex 'x'" in bad_index.message
    (too_big,) = [f for f in findings if f.location.line == 17]
    assert "above the maximum 127" in too_big.message
    assert too_big.path == "/Configuration/MailboxPlans/MailboxPlan[3]"


def test_blank_name_is_no_name(check) -> None:
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
            <MailboxPlan Name="  " MailboxPlanIndex="-1" ProvisionAsDefault=" true ">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP307", 11),
    )
    assert "without a Name" in finding.message


def test_permissions_in_several_plans(check) -> None:
    second, third = check(
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
            <MailboxPlan Name="A" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <PopPermissions>true</PopPermissions>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="B" MailboxPlanIndex="1">
              <ImapPermissions>true</ImapPermissions>
              <PopPermissions>true</PopPermissions>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="C" MailboxPlanIndex="2">
              <PopPermissions>false</PopPermissions>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="D" MailboxPlanIndex="3">
              <ProfileUpdatePermissions>true</ProfileUpdatePermissions>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP306", 15),
        ("SP306", 24),
    )
    assert "mailbox plan 'B' enables ImapPermissions, PopPermissions" in second.message
    assert "mailbox plan 'A'" in second.message
    assert "PerMBXPlanRoleAssignmentPolicyEnabled" in second.message
    assert "mailbox plan 'D' enables ProfileUpdatePermissions" in third.message


def test_permissions_in_several_plans_allowed_with_per_plan_role_assignment(check) -> None:
    check("""
        <Configuration>
          <Organization>
            <PerMBXPlanRoleAssignmentPolicyEnabled>true</PerMBXPlanRoleAssignmentPolicyEnabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="A" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <PopPermissions>true</PopPermissions>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="B" MailboxPlanIndex="1">
              <PopPermissions>true</PopPermissions>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """)


def test_a_missing_mailbox_plans_section_is_left_to_the_schema(check) -> None:
    check("""
        <Configuration>
          <Organization>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
        </Configuration>
    """)
