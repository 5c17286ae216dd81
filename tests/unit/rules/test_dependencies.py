"""Dependency rules (SP201), one test per clause form of the catalogue's `requires` column.

Each source is a whole plan; line 1 is <Configuration>, line 2 <Organization>.
"""

from __future__ import annotations


def test_same_scope_requirement_in_the_organization(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <SearchMessageEnabled>true</SearchMessageEnabled>
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
        ("SP201", 3),
    )
    assert finding.message.startswith("SearchMessageEnabled is on")
    assert "needs SearchMessagePermissions on" in finding.message
    assert finding.path == "/Configuration/Organization/SearchMessageEnabled"
    assert "SearchMessagePermissions" in finding.hint


def test_requirement_met_or_feature_off_is_silent(check) -> None:
    check("""
        <Configuration>
          <Organization>
            <SearchMessageEnabled>true</SearchMessageEnabled>
            <OWAPermissions>true</OWAPermissions>
            <SearchMessagePermissions>true</SearchMessagePermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <OutlookAnywhereEnabled>false</OutlookAnywhereEnabled>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """)


def test_negated_requirement(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <OpenDomainProfileUpdatePermissions>true</OpenDomainProfileUpdatePermissions>
            <OWAPermissions>true</OWAPermissions>
            <ProfileUpdatePermissions>true</ProfileUpdatePermissions>
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
        ("SP201", 3),
    )
    assert "OpenDomainProfileUpdatePermissions is on" in finding.message
    assert "needs ProfileUpdatePermissions off" in finding.message


def test_same_mailbox_plan_requirement(check) -> None:
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
            <MailboxPlan Name="Good" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <OutlookAnywhereEnabled>true</OutlookAnywhereEnabled>
              <ShowInAddressListsEnabled>true</ShowInAddressListsEnabled>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="Bad" MailboxPlanIndex="1">
              <OutlookAnywhereEnabled>true</OutlookAnywhereEnabled>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP201", 17),
    )
    assert "OutlookAnywhereEnabled is on in mailbox plan 'Bad'" in finding.message
    assert "ShowInAddressListsEnabled on in the same mailbox plan" in finding.message
    assert finding.path == "/Configuration/MailboxPlans/MailboxPlan[2]/OutlookAnywhereEnabled"


def test_organization_requirement_of_a_mailbox_plan_feature(check) -> None:
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
              <MailTipsPermissions>true</MailTipsPermissions>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP201", 12),
    )
    assert "MailTipsPermissions is on in mailbox plan 'Standard'" in finding.message
    assert "MailTipsEnabled on in the Organization" in finding.message


def test_non_boolean_set_requires_an_organization_feature(check) -> None:
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
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
              <ArchiveQuota>1GB</ArchiveQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP201", 13),
    )
    assert finding.message.startswith("ArchiveQuota is ")
    assert "ArchivePermissions on in the Organization" in finding.message


def test_any_plan_requirement(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <OfflineAddressBookEnabled>true</OfflineAddressBookEnabled>
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
            <MailboxPlan Name="B" MailboxPlanIndex="1">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP201", 3),
    )
    assert "OfflineAddressBookEnabled is on" in finding.message
    assert "OutlookAnywhereEnabled on in at least one mailbox plan" in finding.message


def test_any_plan_requirement_met_by_one_plan(check) -> None:
    check("""
        <Configuration>
          <Organization>
            <OfflineAddressBookEnabled>true</OfflineAddressBookEnabled>
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
            <MailboxPlan Name="B" MailboxPlanIndex="1">
              <OutlookAnywhereEnabled>true</OutlookAnywhereEnabled>
              <ShowInAddressListsEnabled>true</ShowInAddressListsEnabled>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """)


def test_every_plan_requirement_lists_the_failing_plans(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <OWAPermissions>true</OWAPermissions>
            <SetHiddenFromAddressListPermissions>true</SetHiddenFromAddressListPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Premium" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ShowInAddressListsEnabled>true</ShowInAddressListsEnabled>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="Basic" MailboxPlanIndex="1">
              <ProhibitSendReceiveMaiboxQuota>1GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
            <MailboxPlan Name="Kiosk" MailboxPlanIndex="2">
              <ShowInAddressListsEnabled>false</ShowInAddressListsEnabled>
              <ProhibitSendReceiveMaiboxQuota>1GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP201", 4),
    )
    assert "ShowInAddressListsEnabled on in every mailbox plan" in finding.message
    failing = finding.message.split("not in:")[1]
    assert "'Basic'" in failing
    assert "'Kiosk'" in failing
    assert "'Premium'" not in failing


def test_derived_privacy_features_allowed_by_default(check) -> None:
    # PrivacyFeaturesAllowed = SkipToUAndParentalControlCheckEnabled or not
    # HideAdminAccessWarningEnabled: with neither written it holds
    check("""
        <Configuration>
          <Organization>
            <ApplicationImpersonationEnabled>true</ApplicationImpersonationEnabled>
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


def test_derived_privacy_features_hiding_the_warning_alone_is_fine(check) -> None:
    check("""
        <Configuration>
          <Organization>
            <HideAdminAccessWarningEnabled>true</HideAdminAccessWarningEnabled>
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


def test_derived_privacy_features_not_allowed(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <ApplicationImpersonationEnabled>true</ApplicationImpersonationEnabled>
            <HideAdminAccessWarningEnabled>true</HideAdminAccessWarningEnabled>
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
        ("SP201", 3),
    )
    assert finding.message.startswith("ApplicationImpersonationEnabled is on")
    assert "PrivacyFeaturesAllowed on" in finding.message
    assert "SkipToUAndParentalControlCheckEnabled" in finding.message
    assert "HideAdminAccessWarningEnabled" in finding.message


def test_derived_privacy_features_allowed_again_by_skipping_the_check(check) -> None:
    check("""
        <Configuration>
          <Organization>
            <ApplicationImpersonationEnabled>true</ApplicationImpersonationEnabled>
            <HideAdminAccessWarningEnabled>true</HideAdminAccessWarningEnabled>
            <SkipToUAndParentalControlCheckEnabled>true</SkipToUAndParentalControlCheckEnabled>
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


def test_derived_value_required_from_a_mailbox_plan(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <HideAdminAccessWarningEnabled>true</HideAdminAccessWarningEnabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <SkipResetPasswordOnFirstLogonEnabled>true</SkipResetPasswordOnFirstLogonEnabled>
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP201", 13),
    )
    assert "SkipResetPasswordOnFirstLogonEnabled is on in mailbox plan 'Standard'" in (
        finding.message
    )
    assert "PrivacyFeaturesAllowed on in the Organization" in finding.message


def test_on_clause(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <PermissionManagementEnabled>true</PermissionManagementEnabled>
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
        ("SP201", 3),
    )
    assert "PermissionManagementEnabled is on" in finding.message
    assert "RBACManagementPermissions on" in finding.message
    assert "on: RBACManagementPermissions" in finding.message


def test_off_clause_for_an_absent_feature_points_at_the_organization(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <OWAPermissions>true</OWAPermissions>
            <RBACManagementPermissions>true</RBACManagementPermissions>
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
        ("SP201", 2),
    )
    assert "PermissionManagementEnabled is off" in finding.message
    assert "RBACManagementPermissions off" in finding.message
    assert finding.path == ""


def test_on_and_off_clauses_satisfied(check) -> None:
    check("""
        <Configuration>
          <Organization>
            <PermissionManagementEnabled>true</PermissionManagementEnabled>
            <OWAPermissions>true</OWAPermissions>
            <RBACManagementPermissions>true</RBACManagementPermissions>
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


def test_owa_permissions_absent(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
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
        ("SP201", 2),
    )
    assert "OWAPermissions is off" in finding.message
    assert "PerMBXPlanOWAPolicyEnabled on" in finding.message


def test_owa_permissions_written_false(check) -> None:
    (finding,) = check(
        """
        <Configuration>
          <Organization>
            <OWAPermissions>false</OWAPermissions>
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
        ("SP201", 3),
    )
    assert finding.path == "/Configuration/Organization/OWAPermissions"


def test_value_at_least_1001_counts_unlimited(check) -> None:
    findings = check(
        """
        <Configuration>
          <Organization>
            <FastRecipientCountingDisabled>true</FastRecipientCountingDisabled>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>1001</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>Unlimited</MailboxCountQuota>
            <MailUserCountQuota>1000</MailUserCountQuota>
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
        ("SP201", 5),
        ("SP201", 7),
    )
    broken = {f.location.line: f.message for f in findings if f.rule == "SP201"}
    assert broken[5].startswith("ContactCountQuota is 1001")
    assert broken[7].startswith("MailboxCountQuota is Unlimited")
    assert "FastRecipientCountingDisabled off" in broken[5]
    assert "value>=1001" in broken[5]


def test_value_not_zero(check) -> None:
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
            <TeamMailboxCountQuota>5</TeamMailboxCountQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """,
        ("SP201", 9),
    )
    assert finding.message.startswith("TeamMailboxCountQuota is 5")
    assert "TeamMailboxPermissions on" in finding.message


def test_value_zero_needs_nothing(check) -> None:
    check("""
        <Configuration>
          <Organization>
            <OWAPermissions>true</OWAPermissions>
            <ContactCountQuota>10</ContactCountQuota>
            <DistributionListCountQuota>10</DistributionListCountQuota>
            <MailboxCountQuota>10</MailboxCountQuota>
            <MailUserCountQuota>10</MailUserCountQuota>
            <RecipientMailSubmissionRateQuota>Unlimited</RecipientMailSubmissionRateQuota>
            <TeamMailboxCountQuota>0</TeamMailboxCountQuota>
          </Organization>
          <MailboxPlans>
            <MailboxPlan Name="Standard" MailboxPlanIndex="0" ProvisionAsDefault="true">
              <ProhibitSendReceiveMaiboxQuota>2GB</ProhibitSendReceiveMaiboxQuota>
            </MailboxPlan>
          </MailboxPlans>
        </Configuration>
    """)


def test_value_equals_ignores_case(check) -> None:
    findings = check(
        """
        <Configuration>
          <Organization>
            <PerimeterSafelistingUIMode>ehfac</PerimeterSafelistingUIMode>
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
        ("SP201", 3),
    )
    (broken,) = [f for f in findings if f.rule == "SP201"]
    assert "ExchangeHostedFilteringAdminCenterAvailabilityEnabled on" in broken.message


def test_value_equals_other_value_needs_nothing(check) -> None:
    check(
        """
        <Configuration>
          <Organization>
            <PerimeterSafelistingUIMode>Other</PerimeterSafelistingUIMode>
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
    )


def test_invalid_value_does_not_trigger_dependencies(check) -> None:
    check(
        """
        <Configuration>
          <Organization>
            <SearchMessageEnabled>maybe</SearchMessageEnabled>
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
        ("SP107", 3),
    )
