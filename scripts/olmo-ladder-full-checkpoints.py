#!/usr/bin/env python3
"""Every evaluated checkpoint of the OLMo ladder's 16 fit runs as a tidy CSV, from a clone of allenai/OLMo-ladder.

The bundled data/olmo-ladder/olmo_ladder_checkpoints.csv keeps every 5th checkpoint; the paper fits its step 2 on
all of them. With this file `emergence forecast ladder` reproduces the paper's errors exactly (docs/forecasts.md):
    python3 scripts/olmo-ladder-full-checkpoints.py /path/to/OLMo-ladder > olmo_ladder_full_checkpoints.csv
    emergence forecast ladder data/olmo-ladder/olmo_ladder.csv olmo_ladder_full_checkpoints.csv
Reads src/scripts/paper/data/ladder-runs/{190M,370M,760M,1B}-{1,2,5,10}xC.csv (Apache-2.0, W&B exports); MMLU is the
WEIGHT_BY_KEY-weighted mean of its 4 test subsets, BoolQ uses plain accuracy, the others length-normalised accuracy,
as in src/scaling/task_utils.py. Values are written as read; the moving average and the 10 % skip are the CLI's.
"""
import csv
import os
import sys

MMLU = {'mmlu_stem_test': 0.215, 'mmlu_humanities_test': 0.335, 'mmlu_social_sciences_test': 0.219, 'mmlu_other_test': 0.231}
N = {'190M': 190354176, '370M': 371262464, '760M': 758220288, '1B': 1279395840}
TASKS = ['mmlu_avg_test', 'hellaswag_val', 'arc_challenge_test', 'arc_easy_test', 'piqa_val', 'csqa_val',
         'socialiqa_val', 'openbookqa_test', 'boolq_val', 'winogrande_val']


def weighted(row, keys):
    total = sum(w for _, w in keys)
    return sum(float(row[k]) * w for k, w in keys) / total


def main(repo):
    runs = os.path.join(repo, 'src', 'scripts', 'paper', 'data', 'ladder-runs')
    out = csv.writer(sys.stdout, lineterminator='\n')
    out.writerow(['family', 'model', 'params', 'task', 'metric', 'shots', 'value', 'step', 'tokens'])
    for size, n in N.items():
        for k in ['1xC', '2xC', '5xC', '10xC']:
            with open(os.path.join(runs, f'{size}-{k}.csv')) as f:
                for r in csv.DictReader(f):
                    step = int(float(r['_step']))
                    d = int(float(r['throughput/total_tokens'])) if r.get('throughput/total_tokens') else step * int(float(r['batch_size_in_tokens']))
                    for t in TASKS:
                        names = list(MMLU) if t == 'mmlu_avg_test' else [t]
                        bpb = [(f'eval/downstream_bpb/{x}_rc_5shot_bpb', MMLU.get(x, 1.0)) for x in names]
                        suffix = 'acc' if t == 'boolq_val' else 'len_norm'
                        acc = [(f'eval/downstream/{x}_rc_5shot_{suffix}', MMLU.get(x, 1.0)) for x in names]
                        for metric, keys in (('rc_bpb', bpb), ('rc_acc', acc)):
                            out.writerow(['OLMo-2', f'{size}-{k}', n, t, metric, 5, repr(weighted(r, keys)), step, d])


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
