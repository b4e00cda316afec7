; Included by electron-builder's NSIS installer and uninstaller (electron-builder.yml nsis.include).
; Per-machine installs start at login for every user (HKLM Run): a tray app that is not running
; shows no supply warnings. The owner's own "Launch at login" toggle writes HKCU and does not
; touch this entry.

!macro customInstall
  ${If} $installMode == "all"
    WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "${PRODUCT_NAME}" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}"'
  ${EndIf}
!macroend

!macro customUnInstall
  DeleteRegValue HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "${PRODUCT_NAME}"
  ; The owner's settings, message history and diagnostics stay unless the uninstaller is run with
  ; /DELETEAPPDATA (IT removing the app for good). An update runs the old uninstaller with
  ; --updated, which must never delete data.
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/DELETEAPPDATA" $R1
  ${IfNot} ${Errors}
  ${AndIfNot} ${isUpdated}
    SetShellVarContext current
    RMDir /r "$APPDATA\${APP_FILENAME}"
    RMDir /r "$LOCALAPPDATA\${APP_FILENAME}-updater"
  ${EndIf}
!macroend
