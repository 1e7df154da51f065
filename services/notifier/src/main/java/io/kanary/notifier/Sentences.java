package io.kanary.notifier;

import io.kanary.audit.Summaries;
import io.kanary.schema.Breach;
import io.kanary.schema.DeploymentEvent;
import io.kanary.schema.KanaryEvent;

/**
 * What the notifier says of an event, in the audit's words (one line per event, the same the audit
 * timeline and the live console print), with the deployment it belongs to and the command that
 * explains it.
 */
final class Sentences {
    private Sentences() {
    }

    /** E.g. {@code BREACH v2 error rate 45.0% > limit 10.0% over 4s (...)}. */
    static String reason(KanaryEvent event) {
        // The audit names each host's previous version from the deployment's plan, which a notifier
        // resumed mid-deployment has not read: say it without them rather than "→ nothing".
        if (event instanceof DeploymentEvent.RolledBack r) {
            return "rolled back: " + String.join(", ", r.hosts()) + " back on their previous version";
        }
        return Summaries.of(event, null);
    }

    /** E.g. {@code kanary: demo-v2 (demo) BREACH v2 error rate ...; explain it with: kanary audit --deployment demo-v2}. */
    static String headline(KanaryEvent event) {
        String deployment = event.subject();
        String service = event instanceof Breach b ? b.service()
                : event instanceof DeploymentEvent d ? d.service() : null;
        return "kanary: " + (deployment == null ? "" : deployment + " ") + (service == null ? "" : "(" + service + ") ")
                + reason(event) + (deployment == null ? "" : "; explain it with: " + auditCommand(deployment));
    }

    /** The command that shows the deployment's whole story, cause to effect. */
    static String auditCommand(String deploymentId) {
        return "kanary audit --deployment " + deploymentId;
    }
}
