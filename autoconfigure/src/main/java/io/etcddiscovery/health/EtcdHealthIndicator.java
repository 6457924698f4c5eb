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

package io.etcddiscovery.health;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.cluster.MemberListResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcddiscovery.etcd.EtcdErrors;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.Assert;

/**
 * Health of the etcd cluster this application talks to, with no more permission than the
 * application has: UP when a member answers a linearizable read (which etcd serves only
 * with a quorum), DOWN with a one-line reason when no member answers within the request
 * timeout or the cluster has no quorum.
 * <p>
 * The read is of one key under the application's namespace, which the least-privilege
 * role grants; a refusal counts as an answer too, since etcd confirms the read with a
 * quorum before it checks permissions. The member list (allowed to every user) and, where
 * the user may ask for it, a member's status (etcd 3.5 requires the root role for
 * {@code Maintenance.Status} once authentication is on) only add details: their failure
 * never turns health DOWN. The calls run at once, within the one timeout.
 *
 * @author etcd-discovery authors
 */
public class EtcdHealthIndicator extends AbstractHealthIndicator {

	static final String STATUS_NOT_PERMITTED = "not permitted to this etcd user "
			+ "(etcd 3.5 requires the root role for the status of a member; the quorum read is enough)";

	private final Client client;

	private final List<String> endpoints;

	private final String quorumKey;

	private final Duration timeout;

	/**
	 * Create a new indicator.
	 * @param client the etcd client
	 * @param endpoints the configured endpoints, shown without credentials
	 * @param quorumKey the key read to confirm a quorum: one the application may read,
	 * such as its namespace's prefix
	 * @param timeout the deadline of the whole check
	 */
	public EtcdHealthIndicator(Client client, List<String> endpoints, String quorumKey, Duration timeout) {
		super("etcd health check failed");
		Assert.notNull(client, "'client' must not be null");
		Assert.hasLength(quorumKey, "'quorumKey' must not be empty");
		Assert.notNull(timeout, "'timeout' must not be null");
		this.client = client;
		this.endpoints = List.copyOf(endpoints);
		this.quorumKey = quorumKey;
		this.timeout = timeout;
	}

	@Override
	protected void doHealthCheck(Health.Builder health) {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		String checked = "linearizable read of " + this.quorumKey;
		CompletableFuture<GetResponse> read = this.client.getKVClient()
			.get(ByteSequence.from(this.quorumKey, StandardCharsets.UTF_8),
					GetOption.builder().withKeysOnly(true).withLimit(1).build());
		CompletableFuture<MemberListResponse> memberList = this.client.getClusterClient().listMember();
		try {
			Quorum quorum = quorum(read, deadline);
			health.up().withDetail("checked", checked).withDetail("quorum", quorum.describe());
			addClusterDetails(health, memberList, deadline);
			health.withDetail("endpoints", this.endpoints);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			health.down().withDetail("error", "interrupted");
		}
		catch (Exception ex) {
			// Expected when etcd is down or has no quorum: a one-line reason, no stack
			// trace.
			health.down()
				.withDetail("checked", checked)
				.withDetail("error", reason(ex))
				.withDetail("endpoints", this.endpoints);
		}
		finally {
			read.cancel(true);
			memberList.cancel(true);
		}
	}

	/*
	 * A linearizable read is answered only after the member confirmed with a quorum that
	 * it is up to date (etcd's read index); permissions are checked after that, so a
	 * refusal proves the quorum as well as the value does.
	 */
	private Quorum quorum(CompletableFuture<GetResponse> read, long deadline) throws Exception {
		try {
			read.get(left(deadline), TimeUnit.NANOSECONDS);
			return Quorum.CONFIRMED;
		}
		catch (ExecutionException ex) {
			if (EtcdErrors.isPermissionDenied(ex)) {
				return Quorum.CONFIRMED_BY_REFUSAL;
			}
			throw ex;
		}
	}

	private void addClusterDetails(Health.Builder health, CompletableFuture<MemberListResponse> memberList,
			long deadline) throws InterruptedException {
		MemberListResponse members;
		try {
			members = memberList.get(left(deadline), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			health.withDetail("members", "unknown (" + reason(ex) + ")");
			return;
		}
		health.withDetail("clusterId", Long.toHexString(members.getHeader().getClusterId()))
			.withDetail("members", members.getMembers().size());
		try {
			StatusResponse status = firstStatus(members.getMembers(), deadline);
			if (status != null && status.getLeader() != 0) {
				health.withDetail("leader", leaderName(members.getMembers(), status.getLeader()));
				health.withDetail("version", status.getVersion());
			}
			else {
				health.withDetail("leader", "none");
			}
		}
		catch (ExecutionException ex) {
			health.withDetail("status",
					EtcdErrors.isPermissionDenied(ex) ? STATUS_NOT_PERMITTED : "unknown (" + reason(ex) + ")");
		}
		catch (TimeoutException ex) {
			health.withDetail("status", "unknown (" + reason(ex) + ")");
		}
	}

	/*
	 * Ask every member for its status at once and return the first answer.
	 */
	private @Nullable StatusResponse firstStatus(List<Member> members, long deadline)
			throws InterruptedException, ExecutionException, TimeoutException {
		List<CompletableFuture<StatusResponse>> calls = new ArrayList<>();
		for (Member member : members) {
			for (URI url : member.getClientURIs()) {
				calls.add(this.client.getMaintenanceClient().statusMember(url.toString()));
			}
		}
		if (calls.isEmpty()) {
			return null;
		}
		CompletableFuture<StatusResponse> first = new CompletableFuture<>();
		AtomicInteger unanswered = new AtomicInteger(calls.size());
		for (CompletableFuture<StatusResponse> call : calls) {
			call.whenComplete((status, ex) -> {
				if (ex == null) {
					first.complete(status);
				}
				else if (unanswered.decrementAndGet() == 0) {
					// Every member failed: the last failure says why.
					first.completeExceptionally(ex);
				}
			});
		}
		try {
			return first.get(left(deadline), TimeUnit.NANOSECONDS);
		}
		finally {
			calls.forEach((call) -> call.cancel(true));
		}
	}

	private String reason(Exception ex) {
		return (ex instanceof TimeoutException) ? "no answer within " + this.timeout.toMillis() + "ms"
				: EtcdErrors.describe(ex);
	}

	private static long left(long deadline) {
		return Math.max(1, deadline - System.nanoTime());
	}

	private static String leaderName(List<Member> members, long leaderId) {
		return members.stream()
			.filter((member) -> member.getId() == leaderId)
			.map((member) -> member.getName() + " (" + Long.toHexString(leaderId) + ")")
			.findFirst()
			.orElse(Long.toHexString(leaderId));
	}

	private enum Quorum {

		CONFIRMED("confirmed"),

		CONFIRMED_BY_REFUSAL("confirmed (the read was refused: this etcd user may not read the key, "
				+ "but etcd refuses only after a quorum confirmed the read)");

		private final String description;

		Quorum(String description) {
			this.description = description;
		}

		String describe() {
			return this.description;
		}

	}

}
