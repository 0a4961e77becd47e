package ui

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"synthreview/assets"
)

// maxTranslationFile bounds one translation file; ours are a few KB.
const maxTranslationFile = 1 << 20

// LoadTranslations registers the shipped translations (assets/translations)
// with Fyne's lang package. Call it once at start, before building windows:
//
//	if err := ui.LoadTranslations(); err != nil { … }
//
// Fyne's lang.AddTranslationsFS takes an embed.FS, not the fs.FS that
// assets.Translations returns, so the files are added one by one.
// zh-CN.json is registered under Fyne's own Chinese tag (zh-Hans): the
// translation engine picks one tag per lookup, so if our strings sat under
// zh-CN and Fyne's under zh-Hans, one of the two sets (ours, or Fyne's
// dialog buttons and entry menus) would fall back to English.
func LoadTranslations() error {
	return loadTranslationsFrom(assets.Translations())
}

func loadTranslationsFrom(fsys fs.FS) error {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return fmt.Errorf("list translations: %w", err)
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".json" {
			continue
		}
		data, err := readBounded(fsys, name, maxTranslationFile)
		if err != nil {
			return err
		}
		tag := strings.TrimSuffix(name, ".json")
		if i := strings.LastIndexByte(tag, '.'); i >= 0 { // [prefix.]lang.json
			tag = tag[i+1:]
		}
		if tag == "zh-CN" || tag == "zh_CN" {
			tag = zhTag
		}
		if err := lang.AddTranslationsForLocale(data, fyne.Locale(tag)); err != nil {
			return fmt.Errorf("load translation %s: %w", name, err)
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("load translations: no .json files found")
	}
	return nil
}

func readBounded(fsys fs.FS, name string, limit int64) ([]byte, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read translation %s: %w", name, err)
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("read translation %s: %d bytes is over the %d-byte limit", name, st.Size(), limit)
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read translation %s: %w", name, err)
	}
	return data, nil
}

// The language choices of the View › Language menu, as stored in the
// preferences under prefLanguage.
const (
	langSystem = ""   // follow the system locale (LANG, LC_ALL, LANGUAGE)
	langZH     = "zh" // Simplified Chinese
	langEN     = "en" // English

	prefLanguage = "ui.language"
	zhTag        = "zh-Hans"
)

// localeEnv is the environment variable that carries a chosen language to
// Fyne's lang package. Fyne 2.7 has no setter for the UI language: it asks
// the system locale (LC_ALL, then LC_MESSAGES, LANG, LANGUAGE) each time
// translations are added. LC_ALL wins over the others, so setting it in this
// process, then adding an empty translation to trigger the lookup, switches
// the language without a restart.
const localeEnv = "LC_ALL"

// applyLanguage makes choice the UI language. It records the system's own
// LC_ALL the first time so that "follow the system" can restore it.
func (m *mainWindow) applyLanguage(choice string) {
	if !m.sysLocaleSaved {
		m.sysLocale, m.sysLocaleSet = os.LookupEnv(localeEnv)
		m.sysLocaleSaved = true
	}
	var err error
	switch choice {
	case langZH:
		err = os.Setenv(localeEnv, "zh_CN.UTF-8")
	case langEN:
		err = os.Setenv(localeEnv, "en_US.UTF-8")
	default:
		if m.sysLocaleSet {
			err = os.Setenv(localeEnv, m.sysLocale)
		} else {
			err = os.Unsetenv(localeEnv)
		}
	}
	if err != nil {
		fyne.LogError("set UI language", err)
		return
	}
	// An empty message file for English adds nothing, but makes lang look
	// up the locale again.
	if err := lang.AddTranslationsForLocale([]byte("{}"), "en"); err != nil {
		fyne.LogError("switch UI language", err)
	}
}
