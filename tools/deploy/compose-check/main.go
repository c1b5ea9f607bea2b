// compose-check loads a Compose file with compose-go, the library behind `docker compose`, the
// way `docker compose config` does: the current Compose specification's schema, the loader's
// consistency checks (depends_on, networks, healthcheck.test, ...), interpolation from the OS
// environment and the .env next to the file, the project name from the file's `name` key.
// Debian's docker-compose 1.29 cannot judge the file: it rejects the top-level `name`.
//
//	compose-check [--profile P ...] FILE
//
// --profile P activates a profile (repeatable); --profile '*' activates every profile. With no
// --profile, COMPOSE_PROFILES applies, as in docker compose. Stricter than docker compose: a
// profile that no service declares is an error (a typo would silently load nothing more).
//
// Prints a short summary (the project, each active service with its image or build, each
// disabled one, the active profiles) and exits 0; on any error it prints
// "compose-check: FILE: ERROR" to stderr and exits 1; bad usage exits 2.
// Built into the cache by build.sh next to this file (tools/deploy/compose-check.ts runs it).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// profileList collects repeated --profile flags.
type profileList []string

func (p *profileList) String() string { return strings.Join(*p, ",") }

func (p *profileList) Set(value string) error {
	if value == "" {
		return errors.New("a profile cannot be empty")
	}
	*p = append(*p, value)
	return nil
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("compose-check", flag.ContinueOnError)
	flags.SetOutput(stderr)
	var profiles profileList
	flags.Var(&profiles, "profile", "activate a profile (repeatable; '*' = every profile)")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: compose-check [--profile P ...] FILE")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return 2
	}
	file := flags.Arg(0)

	project, err := load(file, profiles)
	if err == nil {
		err = checkProfiles(project, profiles)
	}
	if err != nil {
		fmt.Fprintf(stderr, "compose-check: %s: %v\n", file, err)
		return 1
	}
	fmt.Fprint(stdout, summary(project))
	return 0
}

// load reads the file with the ProjectOptions that docker compose's CLI builds (minus the
// flags it has and this tool has not: --project-name, --env-file, --project-directory).
func load(file string, profiles []string) (*types.Project, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	// Not found is said plainly here; compose-go would report it as a failed read.
	if info, err := os.Stat(abs); err != nil {
		return nil, err
	} else if info.IsDir() {
		return nil, errors.New("is a directory, not a Compose file")
	}
	options, err := cli.NewProjectOptions([]string{abs},
		cli.WithWorkingDirectory(filepath.Dir(abs)),
		cli.WithOsEnv,      // first: the shell's variables win over .env's
		cli.WithEnvFiles(), // the .env next to the file, when there is one
		cli.WithDotEnv,
		cli.WithDefaultProfiles(profiles...),
		// Both are compose-go's defaults; said here because they are the point of the tool.
		cli.WithLoadOptions(func(o *loader.Options) { o.SkipValidation = false }),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return nil, err
	}
	return options.LoadProject(context.Background())
}

// checkProfiles refuses a profile that no service (or job) declares.
func checkProfiles(project *types.Project, profiles []string) error {
	declared := declaredProfiles(project)
	for _, p := range profiles {
		if p != "*" && !slices.Contains(declared, p) {
			return fmt.Errorf("no service has the profile %q (declared: %s)", p, listOrNone(declared))
		}
	}
	return nil
}

func declaredProfiles(project *types.Project) []string {
	var all []string
	for _, s := range project.AllServices() {
		all = append(all, s.Profiles...)
	}
	for _, j := range project.AllJobs() {
		all = append(all, j.Profiles...)
	}
	sort.Strings(all)
	return slices.Compact(all)
}

// activeProfiles are the declared profiles that the selection switched on.
func activeProfiles(project *types.Project) []string {
	var active []string
	for _, p := range declaredProfiles(project) {
		if slices.Contains(project.Profiles, "*") || slices.Contains(project.Profiles, p) {
			active = append(active, p)
		}
	}
	return active
}

func summary(project *types.Project) string {
	var b strings.Builder
	fmt.Fprintf(&b, "project: %s\n", project.Name)
	fmt.Fprintf(&b, "profiles: %s\n", listOrNone(activeProfiles(project)))
	for _, name := range project.ServiceNames() {
		fmt.Fprintf(&b, "service: %s (%s)\n", name, source(project.Services[name]))
	}
	for _, name := range project.DisabledServiceNames() {
		s := project.DisabledServices[name]
		fmt.Fprintf(&b, "disabled: %s (profiles %s)\n", name, strings.Join(s.Profiles, ", "))
	}
	return b.String()
}

// source says where a service's image comes from: "build" (tagged IMAGE when it names one).
func source(s types.ServiceConfig) string {
	switch {
	case s.Build != nil && s.Image != "":
		return "build, image " + s.Image
	case s.Build != nil:
		return "build"
	default:
		return "image " + s.Image
	}
}

func listOrNone(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}
