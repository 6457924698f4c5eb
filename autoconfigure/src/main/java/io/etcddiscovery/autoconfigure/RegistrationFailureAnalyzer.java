/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.autoconfigure;

import java.util.List;

import io.etcddiscovery.registration.InstanceIdConflictException;
import io.etcddiscovery.registration.RegistrationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a failed first registration when {@code discovery.fail-fast=true}, naming the
 * endpoints the exception carries: those the client connected to, whether they came from
 * {@code discovery.etcd.endpoints} or from an {@link EtcdConnectionDetails} bean.
 *
 * @author etcd-discovery authors
 */
class RegistrationFailureAnalyzer extends AbstractFailureAnalyzer<RegistrationException> {

	private static String action(String message) {
		if (message.contains("TLS handshake")) {
			return "Check the TLS set-up: the SSL bundle named by 'discovery.etcd.ssl.bundle' must trust the CA "
					+ "that signed etcd's certificate and, when etcd requires client certificates, hold a client "
					+ "certificate signed by a CA etcd trusts; endpoints must use https://.";
		}
		if (message.contains("UNAUTHENTICATED") || message.contains("user name is empty")) {
			return "Check 'discovery.etcd.username' and 'discovery.etcd.password' against the etcd user.";
		}
		if (message.contains("PERMISSION_DENIED")) {
			return "Grant the etcd user of 'discovery.etcd.username' a role that may read and write "
					+ "'discovery.etcd.key-prefix' in this namespace.";
		}
		return "Check that etcd is running and reachable at 'discovery.etcd.endpoints'.";
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RegistrationException cause) {
		if (cause instanceof InstanceIdConflictException conflict) {
			return new FailureAnalysis("Could not register this application in etcd: " + conflict.getMessage() + ".",
					"Give each process its own 'discovery.instance-id' (or remove it to use a generated id). "
							+ "If the other process has just crashed, its key disappears when its lease expires.",
					cause);
		}
		List<String> endpoints = cause.getEndpoints();
		String where = endpoints.isEmpty() ? "" : " at " + endpoints;
		return new FailureAnalysis(
				"Could not register this application in etcd%s: %s.".formatted(where, cause.getMessage()),
				action(String.valueOf(cause.getMessage())) + " Or set 'discovery.fail-fast=false' to start anyway "
						+ "and register as soon as etcd answers.",
				cause);
	}

}
