from django.contrib.auth import views as auth_views
from django.urls import path

from di4c.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("register/", views.register, name="register"),
    path("register/sent/", views.register_sent, name="register_sent"),
    path("confirm/<uidb64>/<token>/", views.confirm, name="confirm"),
    path("profile/", views.profile, name="profile"),
    path("profile/my-data.json", views.data_export, name="data_export"),
    path("profile/delete/", views.account_delete, name="delete"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("invite/network/<slug:slug>/", views.invite_to_network, name="invite_to_network"),
    path(
        "invite/organisation/<slug:slug>/",
        views.invite_to_organisation,
        name="invite_to_organisation",
    ),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
